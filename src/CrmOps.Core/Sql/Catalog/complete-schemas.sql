-- Tab completion: schema names that match what was typed so far (~* anchored regex), system schemas left out.
SELECT n.nspname::text
FROM pg_catalog.pg_namespace n
WHERE n.nspname ~* @name_re
  AND n.nspname !~ '^pg_'
  AND n.nspname <> 'information_schema'
ORDER BY n.nspname
LIMIT 200;
