-- Get-CrmDependency: transitive dependencies through views and materialized views, one round trip.
-- An edge "dependent -> referenced" comes from a view's rewrite rule (pg_rewrite) depending on a
-- relation (pg_depend). Upstream walks from the root to what it reads; downstream walks from the
-- root to what reads it. The root row always comes back (its columns below are NULL when it has
-- no dependencies), so no rows at all means the root does not exist.
WITH RECURSIVE root AS (
    SELECT c.oid
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = @schema AND c.relname = @name AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
),
edges AS (
    SELECT DISTINCT r.ev_class AS dependent, d.refobjid AS referenced
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass
      AND d.refclassid = 'pg_catalog.pg_class'::regclass
      AND d.refobjid <> r.ev_class
),
walk (dependent, referenced, depth, path) AS (
    SELECT e.dependent, e.referenced, 1, ARRAY[root.oid, CASE WHEN @downstream THEN e.dependent ELSE e.referenced END]
    FROM root
    JOIN edges e ON (CASE WHEN @downstream THEN e.referenced ELSE e.dependent END) = root.oid
    UNION ALL
    SELECT e.dependent, e.referenced, w.depth + 1, w.path || (CASE WHEN @downstream THEN e.dependent ELSE e.referenced END)
    FROM walk w
    JOIN edges e ON (CASE WHEN @downstream THEN e.referenced = w.dependent ELSE e.dependent = w.referenced END)
    WHERE NOT (CASE WHEN @downstream THEN e.dependent ELSE e.referenced END) = ANY (w.path)
      AND w.depth < 100
),
result AS (
    SELECT dependent, referenced, min(depth) AS depth FROM walk GROUP BY dependent, referenced
)
SELECT dn.nspname::text AS schema_name, dc.relname::text AS object_name, dc.relkind::text AS object_kind,
       rn.nspname::text AS depends_on_schema, rc.relname::text AS depends_on_name, rc.relkind::text AS depends_on_kind,
       res.depth
FROM root
LEFT JOIN result res ON true
LEFT JOIN pg_catalog.pg_class dc ON dc.oid = res.dependent
LEFT JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = res.referenced
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
ORDER BY res.depth, dc.relname, rc.relname;
