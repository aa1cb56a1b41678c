-- Get-CrmAdvisory: splinter's lint 0007_policy_exists_rls_disabled (supabase/splinter lints/0007_policy_exists_rls_disabled.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. 
SELECT 'policy_exists_rls_disabled' AS name,
       'Policy Exists RLS Disabled' AS title,
       'ERROR' AS level,
       ARRAY['SECURITY'] AS categories,
       'Detects cases where row level security (RLS) policies have been created, but RLS has not been enabled for the underlying table.' AS description,
       format('Table `%s.%s` has RLS policies but RLS is not enabled on the table. Policies include %s.', n.nspname, c.relname, array_agg(p.polname ORDER BY p.polname)) AS detail,
       format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY; (the policies do nothing until it is). https://supabase.com/docs/guides/database/database-linter?lint=0007_policy_exists_rls_disabled',
              n.nspname, c.relname) AS remediation,
       n.nspname::text AS schema_name,
       c.relname::text AS object_name,
       format('policy_exists_rls_disabled_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_catalog.pg_policy p
  JOIN pg_catalog.pg_class c ON p.polrelid = c.oid
  JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid
  LEFT JOIN pg_catalog.pg_depend dep ON c.oid = dep.objid AND dep.deptype = 'e'
 WHERE c.relkind = 'r'
   AND n.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND NOT c.relrowsecurity
   AND dep.objid IS NULL
 GROUP BY n.nspname, c.relname
 ORDER BY 8, 9;
