-- Get-CrmAdvisory: splinter's lint 0016_materialized_view_in_api (supabase/splinter lints/0016_materialized_view_in_api.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. The schemas PostgREST serves are parameter $1 (splinter reads current_setting('pgrst.db_schemas', true)); run only where the roles anon and authenticated exist.
SELECT 'materialized_view_in_api' AS name,
       'Materialized View in API' AS title,
       'WARN' AS level,
       ARRAY['SECURITY'] AS categories,
       'Detects materialized views that are accessible over the Data APIs.' AS description,
       format('Materialized view `%s.%s` is selectable by anon or authenticated roles', n.nspname, c.relname) AS detail,
       format('REVOKE ALL ON %I.%I FROM anon, authenticated; (a materialized view cannot have RLS: expose a view with security_invoker = on, or a function, instead). https://supabase.com/docs/guides/database/database-linter?lint=0016_materialized_view_in_api',
              n.nspname, c.relname) AS remediation,
       n.nspname::text AS schema_name,
       c.relname::text AS object_name,
       format('materialized_view_in_api_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_depend dep ON c.oid = dep.objid AND dep.deptype = 'e'
 WHERE c.relkind = 'm'
   AND (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
        OR pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
   AND n.nspname = ANY ($1)
   AND n.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND dep.objid IS NULL
 ORDER BY 8, 9;
