-- Get-CrmAdvisory: splinter's lint 0013_rls_disabled_in_public (supabase/splinter lints/0013_rls_disabled_in_public.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. The schemas PostgREST serves are parameter $1 (splinter reads current_setting('pgrst.db_schemas', true)); run only where the roles anon and authenticated exist.
SELECT 'rls_disabled_in_public' AS name,
       'RLS Disabled in Public' AS title,
       'ERROR' AS level,
       ARRAY['SECURITY'] AS categories,
       'Detects cases where row level security (RLS) has not been enabled on tables in schemas exposed to PostgREST' AS description,
       format('Table `%s.%s` is public, but RLS has not been enabled.', n.nspname, c.relname) AS detail,
       format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY; and CREATE POLICY for who may read and change which rows (or REVOKE ALL ON %I.%I FROM anon, authenticated if no API client needs it). https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public',
              n.nspname, c.relname, n.nspname, c.relname) AS remediation,
       n.nspname::text AS schema_name,
       c.relname::text AS object_name,
       format('rls_disabled_in_public_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid
 WHERE c.relkind = 'r'
   AND NOT c.relrowsecurity
   AND (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
        OR pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
   AND n.nspname = ANY ($1)
   AND n.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
 ORDER BY 8, 9;
