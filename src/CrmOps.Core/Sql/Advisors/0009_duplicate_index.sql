-- Get-CrmAdvisory: splinter's lint 0009_duplicate_index (supabase/splinter lints/0009_duplicate_index.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. 
SELECT 'duplicate_index' AS name,
       'Duplicate Index' AS title,
       'WARN' AS level,
       ARRAY['PERFORMANCE'] AS categories,
       'Detects cases where two ore more identical indexes exist.' AS description,
       format('Table `%s.%s` has identical indexes %s. Drop all except one of them', n.nspname, c.relname, array_agg(pi.indexname ORDER BY pi.indexname)) AS detail,
       format('DROP INDEX CONCURRENTLY %s; (keep %I). https://supabase.com/docs/guides/database/database-linter?lint=0009_duplicate_index',
              (SELECT string_agg(format('%I.%I', n.nspname, x), ', ') FROM unnest((array_agg(pi.indexname ORDER BY pi.indexname))[2:]) x),
              (array_agg(pi.indexname ORDER BY pi.indexname))[1]) AS remediation,
       n.nspname::text AS schema_name,
       c.relname::text AS object_name,
       format('duplicate_index_%s_%s_%s', n.nspname, c.relname, array_agg(pi.indexname ORDER BY pi.indexname)) AS cache_key
  FROM pg_catalog.pg_indexes pi
  JOIN pg_catalog.pg_namespace n ON n.nspname = pi.schemaname
  JOIN pg_catalog.pg_class c ON pi.tablename = c.relname AND n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_depend dep ON c.oid = dep.objid AND dep.deptype = 'e'
 WHERE c.relkind IN ('r', 'm')
   AND n.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND dep.objid IS NULL
 GROUP BY n.nspname, c.relkind, c.relname, replace(pi.indexdef, pi.indexname, '')
HAVING count(*) > 1
 ORDER BY 8, 9;
