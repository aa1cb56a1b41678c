-- Get-CrmAdvisory: splinter's lint 0010_security_definer_view (supabase/splinter lints/0010_security_definer_view.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. The schemas PostgREST serves are parameter $1 (splinter reads current_setting('pgrst.db_schemas', true)); run only where the roles anon and authenticated exist.
SELECT 'security_definer_view' AS name,
       'Security Definer View' AS title,
       'ERROR' AS level,
       ARRAY['SECURITY'] AS categories,
       'Detects views defined with the SECURITY DEFINER property. These views enforce Postgres permissions and row level security policies (RLS) of the view creator, rather than that of the querying user' AS description,
       format('View `%s.%s` is defined with the SECURITY DEFINER property', n.nspname, c.relname) AS detail,
       format('ALTER VIEW %I.%I SET (security_invoker = on); (PostgreSQL 15+: the caller''s privileges and RLS apply), or REVOKE ALL ON %I.%I FROM anon, authenticated. https://supabase.com/docs/guides/database/database-linter?lint=0010_security_definer_view',
              n.nspname, c.relname, n.nspname, c.relname) AS remediation,
       n.nspname::text AS schema_name,
       c.relname::text AS object_name,
       format('security_definer_view_%s_%s', n.nspname, c.relname) AS cache_key
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_depend dep ON c.oid = dep.objid AND dep.deptype = 'e'
 WHERE c.relkind = 'v'
   AND (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
        OR pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
   AND pg_catalog.current_setting('server_version_num')::int >= 150000 -- security_invoker came with PostgreSQL 15
   AND n.nspname = ANY ($1)
   AND n.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND dep.objid IS NULL
   AND NOT (lower(coalesce(c.reloptions::text, '{}'))::text[]
            && ARRAY['security_invoker=1', 'security_invoker=true', 'security_invoker=yes', 'security_invoker=on'])
 ORDER BY 8, 9;
