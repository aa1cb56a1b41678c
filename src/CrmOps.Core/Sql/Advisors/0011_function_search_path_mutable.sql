-- Get-CrmAdvisory: splinter's lint 0011_function_search_path_mutable (supabase/splinter lints/0011_function_search_path_mutable.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. 
SELECT 'function_search_path_mutable' AS name,
       'Function Search Path Mutable' AS title,
       'WARN' AS level,
       ARRAY['SECURITY'] AS categories,
       'Detects functions where the search_path parameter is not set.' AS description,
       format('Function `%s.%s` has a role mutable search_path', n.nspname, p.proname) AS detail,
       format('ALTER %s %I.%I(%s) SET search_path = ''''; (and qualify every name in its body with its schema). https://supabase.com/docs/guides/database/database-linter?lint=0011_function_search_path_mutable',
              CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS remediation,
       n.nspname::text AS schema_name,
       p.proname::text AS object_name,
       format('function_search_path_mutable_%s_%s_%s', n.nspname, p.proname, md5(p.prosrc)) AS cache_key
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON p.pronamespace = n.oid
  LEFT JOIN pg_catalog.pg_depend dep ON p.oid = dep.objid AND dep.deptype = 'e'
 WHERE n.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND dep.objid IS NULL -- functions of extensions are theirs
   AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) AS config WHERE config LIKE 'search_path=%')
 ORDER BY 8, 9;
