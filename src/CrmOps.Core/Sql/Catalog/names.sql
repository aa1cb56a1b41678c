-- Candidate names for "did you mean ...?" suggestions: relations outside the system schemas, with their kind
-- (r, p, v, m, f) so that a caller can offer only what fits (materialized views for a refresh).
SELECT n.nspname::text AS schema_name, c.relname::text AS object_name, c.relkind::text AS kind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND n.nspname <> 'information_schema'
  AND n.nspname !~ '^pg_';
