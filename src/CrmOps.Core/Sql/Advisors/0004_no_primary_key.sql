-- Get-CrmAdvisory: splinter's lint 0004_no_primary_key (supabase/splinter lints/0004_no_primary_key.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. 
SELECT 'no_primary_key' AS name,
       'No Primary Key' AS title,
       'INFO' AS level,
       ARRAY['PERFORMANCE'] AS categories,
       'Detects if a table does not have a primary key. Tables without a primary key can be inefficient to interact with at scale.' AS description,
       format('Table `%s.%s` does not have a primary key', pgns.nspname, pgc.relname) AS detail,
       format('ALTER TABLE %I.%I ADD PRIMARY KEY (...); (on a large table: CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX). https://supabase.com/docs/guides/database/database-linter?lint=0004_no_primary_key',
              pgns.nspname, pgc.relname) AS remediation,
       pgns.nspname::text AS schema_name,
       pgc.relname::text AS object_name,
       format('no_primary_key_%s_%s', pgns.nspname, pgc.relname) AS cache_key
  FROM pg_catalog.pg_class pgc
  JOIN pg_catalog.pg_namespace pgns ON pgns.oid = pgc.relnamespace
  LEFT JOIN pg_catalog.pg_index pgi ON pgi.indrelid = pgc.oid
  LEFT JOIN pg_catalog.pg_depend dep ON pgc.oid = dep.objid AND dep.deptype = 'e'
 WHERE pgc.relkind = 'r'
   AND pgns.nspname NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND dep.objid IS NULL
 GROUP BY pgc.oid, pgns.nspname, pgc.relname
HAVING max(coalesce(pgi.indisprimary, false)::int) = 0
 ORDER BY 8, 9;
