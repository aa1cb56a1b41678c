-- Test-CrmMigration -Lint: a function or procedure named in a DROP: by its signature when the statement gives one,
-- else by name (to_regproc is NULL when the name is ambiguous).
SELECT coalesce(pg_catalog.to_regprocedure($1)::oid, pg_catalog.to_regproc($2)::oid)::bigint;
