-- Test-CrmMigration -Lint: a column's type as stored (type, typmod, the base type of a domain) and whether views or
-- rules read it (ALTER COLUMN ... TYPE then fails: "cannot alter type of a column used by a view or rule").
SELECT a.attnum::int,
       a.atttypid::bigint,
       a.atttypmod,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END::bigint AS base_type,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS base_typmod,
       ARRAY(SELECT DISTINCT pg_catalog.format('%s %s', o.type, o.identity)
               FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
              CROSS JOIN LATERAL pg_catalog.pg_identify_object('pg_catalog.pg_class'::regclass, r.ev_class, 0) o
              WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass
                AND d.refclassid = 'pg_catalog.pg_class'::regclass
                AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
                AND r.ev_class <> a.attrelid
              ORDER BY 1) AS used_by_views
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
 WHERE a.attrelid = $1::oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped;
