-- Test-CrmMigration -Lint: a column's type as stored (type, typmod, the base type of a domain) and what makes
-- ALTER COLUMN ... TYPE fail (tablecmds.c ATExecAlterColumnType): a view or rule that reads the column ("cannot
-- alter type of a column used by a view or rule"), a trigger that names it ("... used in a trigger definition"),
-- a policy ("... used in a policy definition").
SELECT a.attnum::int,
       a.atttypid::bigint,
       a.atttypmod,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END::bigint AS base_type,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS base_typmod,
       ARRAY(SELECT DISTINCT pg_catalog.format('%s %s', o.type, o.identity)
               FROM pg_catalog.pg_depend d
               LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid
              CROSS JOIN LATERAL pg_catalog.pg_identify_object(
                        CASE WHEN r.oid IS NOT NULL THEN 'pg_catalog.pg_class'::regclass ELSE d.classid END,
                        coalesce(r.ev_class, d.objid), 0) o
              WHERE d.classid IN ('pg_catalog.pg_rewrite'::regclass, 'pg_catalog.pg_trigger'::regclass, 'pg_catalog.pg_policy'::regclass)
                AND d.refclassid = 'pg_catalog.pg_class'::regclass
                AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
                AND (r.oid IS NULL OR r.ev_class <> a.attrelid)
              ORDER BY 1) AS used_by_views
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
 WHERE a.attrelid = $1::oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped;
