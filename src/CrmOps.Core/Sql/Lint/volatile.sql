-- Test-CrmMigration -Lint: which of the functions a column default calls are VOLATILE (a volatile default makes
-- ADD COLUMN rewrite the table; a stable or immutable one is evaluated once, PostgreSQL 11+). Unqualified names are
-- looked up as the migration would see them (visible on search_path), qualified ones in their schema.
SELECT DISTINCT p.proname::text
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE p.provolatile = 'v'
   AND ((p.proname = ANY ($1) AND pg_catalog.pg_function_is_visible(p.oid))
        OR (n.nspname || '.' || p.proname) = ANY ($2));
