-- Test-CrmMigration -Lint (drop-with-dependents): everything a DROP ... CASCADE of an object (a relation, one of its
-- columns, or a function) would drop with it, transitively: the objects with a normal dependency (pg_depend
-- deptype 'n') on it. A view depends through its _RETURN rule, named here as the view. The object's own parts (its
-- rule, a constraint of the same table) are not dependents.
WITH RECURSIVE target AS (
    SELECT $1::text::regclass::oid AS classid, $2::bigint::oid AS objid, $3::int AS objsubid
),
walk (classid, objid, objsubid, depth, path) AS (
    SELECT t.classid, t.objid, t.objsubid, 0, ARRAY[t.classid::text || ':' || t.objid::text] FROM target t
    UNION ALL
    SELECT dep.classid, dep.objid, 0, w.depth + 1, w.path || (dep.classid::text || ':' || dep.objid::text)
      FROM walk w
      JOIN pg_catalog.pg_depend d
        ON d.refclassid = w.classid AND d.refobjid = w.objid
       AND (w.objsubid = 0 OR d.refobjsubid = w.objsubid)
       AND d.deptype = 'n'
      LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
      LEFT JOIN pg_catalog.pg_constraint k ON d.classid = 'pg_catalog.pg_constraint'::regclass AND k.oid = d.objid
     CROSS JOIN LATERAL (SELECT CASE WHEN r.oid IS NOT NULL THEN 'pg_catalog.pg_class'::regclass::oid ELSE d.classid END AS classid,
                                CASE WHEN r.oid IS NOT NULL THEN r.ev_class ELSE d.objid END AS objid) dep
     WHERE w.depth < 20
       AND NOT (dep.classid::text || ':' || dep.objid::text) = ANY (w.path)
       AND NOT EXISTS (SELECT 1 FROM target t WHERE t.classid = dep.classid AND t.objid = dep.objid)
       AND (k.oid IS NULL OR k.conrelid IS DISTINCT FROM (SELECT t.objid FROM target t))
)
SELECT o.type, o.identity, min(w.depth) AS depth
  FROM walk w
 CROSS JOIN LATERAL pg_catalog.pg_identify_object(w.classid, w.objid, 0) o
 WHERE w.depth > 0
 GROUP BY o.type, o.identity
 ORDER BY 3, 2;
