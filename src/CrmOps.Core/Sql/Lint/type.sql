-- Test-CrmMigration -Lint: a type name as written in a migration (to_regtype reads it as PostgreSQL's parser does;
-- the typmod is read by the lint), the base type of a domain, and whether the domain has constraints (a coercion
-- to such a domain checks every row).
SELECT t.oid::bigint,
       CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END::bigint AS base_type,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE -1 END AS domain_typmod,
       t.typtype = 'd' AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid) AS domain_checks,
       pg_catalog.format_type(t.oid, NULL)
  FROM pg_catalog.pg_type t
 WHERE t.oid = pg_catalog.to_regtype($1);
