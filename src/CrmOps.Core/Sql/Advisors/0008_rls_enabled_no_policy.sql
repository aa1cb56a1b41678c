-- Get-CrmAdvisory: splinter's lint 0008_rls_enabled_no_policy (supabase/splinter lints/0008_rls_enabled_no_policy.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. 
SELECT 'rls_enabled_no_policy' AS name,
       'RLS Enabled No Policy' AS title,
       'INFO' AS level,
       ARRAY['SECURITY'] AS categories,
       'Detects cases where row level security (RLS) has been enabled on a table but no RLS policies have been created.' AS description,
       format('Table `%s.%s` has RLS enabled, but no policies exist', n.nspname, c.relname) AS detail,
       format('CREATE POLICY ... ON %I.%I for the API roles that should see rows (without one, only the owner and BYPASSRLS roles see any). https://supabase.com/docs/guides/database/database-linter?lint=0008_rls_enabled_no_policy',
              n.nspname, c.relname) AS remediation,
       n.nspname::text AS schema_name,
       c.relname::text AS object_name,
       format('rls_enabled_no_policy_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_catalog.pg_class c
  LEFT JOIN pg_catalog.pg_policy p ON p.polrelid = c.oid
  JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid
  LEFT JOIN pg_catalog.pg_depend dep ON c.oid = dep.objid AND dep.deptype = 'e'
 WHERE c.relkind = 'r'
   AND n.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND c.relrowsecurity
   AND p.polname IS NULL
   AND dep.objid IS NULL
 GROUP BY n.nspname, c.relname
 ORDER BY 8, 9;
