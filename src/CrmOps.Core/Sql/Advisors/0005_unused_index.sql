-- Get-CrmAdvisory: splinter's lint 0005_unused_index (supabase/splinter lints/0005_unused_index.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. The seed's own "Index Statistics" query (pg_stat_user_indexes), made an advisory: idx_scan counts since the statistics were last reset.
SELECT 'unused_index' AS name,
       'Unused Index' AS title,
       'INFO' AS level,
       ARRAY['PERFORMANCE'] AS categories,
       'Detects if an index has never been used and may be a candidate for removal.' AS description,
       format('Index `%s` on table `%s.%s` has not been used', psui.indexrelname, psui.schemaname, psui.relname) AS detail,
       format('If no query needs it (statistics since %s), DROP INDEX CONCURRENTLY %I.%I; it costs every write. https://supabase.com/docs/guides/database/database-linter?lint=0005_unused_index',
              coalesce((SELECT to_char(stats_reset, 'YYYY-MM-DD') FROM pg_catalog.pg_stat_database WHERE datname = current_database()), 'the cluster started'),
              psui.schemaname, psui.indexrelname) AS remediation,
       psui.schemaname::text AS schema_name,
       psui.indexrelname::text AS object_name,
       format('unused_index_%s_%s_%s', psui.schemaname, psui.relname, psui.indexrelname) AS cache_key
  FROM pg_catalog.pg_stat_user_indexes psui
  JOIN pg_catalog.pg_index pi ON psui.indexrelid = pi.indexrelid
  LEFT JOIN pg_catalog.pg_depend dep ON psui.relid = dep.objid AND dep.deptype = 'e'
 WHERE psui.idx_scan = 0
   AND NOT pi.indisunique
   AND NOT pi.indisprimary
   AND dep.objid IS NULL
   AND psui.schemaname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
 ORDER BY 8, 9;
