-- Tab completion: relation names in a schema that match what was typed so far (~* anchored regex).
SELECT c.relname::text
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname = @schema
  AND c.relname ~* @name_re
ORDER BY c.relname
LIMIT 200;
