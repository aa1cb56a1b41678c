-- Resolves tables, views and materialized views by (schema, name): exact pairs by equality (a hash
-- join, so thousands of piped names cost one round trip) and wildcard pairs by regex (~*).
-- Returns the catalog's row estimate: NULL when never analyzed (reltuples = -1 on PG14+).
WITH exact AS (
    SELECT e.s, e.r FROM unnest(@exact_schemas::text[], @exact_names::text[]) AS e(s, r)
),
pat AS (
    SELECT p.s, p.r FROM unnest(@pattern_schemas::text[], @pattern_names::text[]) AS p(s, r)
),
hit AS (
    SELECT c.oid
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN exact e ON e.s = n.nspname AND e.r = c.relname
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    UNION
    SELECT c.oid
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind::text = ANY (@pattern_kinds)
      AND EXISTS (SELECT 1 FROM pat WHERE n.nspname ~* pat.s AND c.relname ~* pat.r)
      AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'  -- system tables only by exact name
)
SELECT n.nspname::text AS schema_name,
       c.relname::text AS object_name,
       CASE c.relkind WHEN 'r' THEN 'Table' WHEN 'p' THEN 'PartitionedTable' WHEN 'v' THEN 'View'
                      WHEN 'm' THEN 'MaterializedView' WHEN 'f' THEN 'ForeignTable' END AS object_type,
       CASE WHEN c.relkind IN ('r', 'm', 'f') AND c.reltuples >= 0 THEN round(c.reltuples)::bigint
            WHEN c.relkind = 'p' THEN (SELECT CASE WHEN count(*) > 0 AND bool_and(k.reltuples >= 0) THEN round(sum(k.reltuples))::bigint END
                                       FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class k ON k.oid = h.inhrelid
                                       WHERE h.inhparent = c.oid) END AS estimated_rows
FROM hit
JOIN pg_catalog.pg_class c ON c.oid = hit.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
ORDER BY n.nspname, c.relname;
