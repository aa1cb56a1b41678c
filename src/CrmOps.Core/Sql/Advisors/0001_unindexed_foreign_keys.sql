-- Get-CrmAdvisory: splinter's lint 0001_unindexed_foreign_keys (supabase/splinter lints/0001_unindexed_foreign_keys.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. 
WITH foreign_keys AS (
    SELECT cl.relnamespace::regnamespace::text AS schema_name,
           cl.relname AS table_name,
           cl.oid AS table_oid,
           ct.conname AS fkey_name,
           ct.conkey AS col_attnums
      FROM pg_catalog.pg_constraint ct
      JOIN pg_catalog.pg_class cl ON ct.conrelid = cl.oid
      LEFT JOIN pg_catalog.pg_depend d ON d.objid = cl.oid AND d.deptype = 'e'
     WHERE ct.contype = 'f'
       AND d.objid IS NULL
       AND cl.relnamespace::regnamespace::text NOT IN ('pg_catalog', 'information_schema', 'auth', 'storage', 'vault', 'extensions')
),
index_ AS (
    SELECT pi.indrelid AS table_oid,
           indexrelid::regclass AS index_,
           string_to_array(indkey::text, ' ')::smallint[] AS col_attnums
      FROM pg_catalog.pg_index pi
     WHERE indisvalid
)
SELECT 'unindexed_foreign_keys' AS name,
       'Unindexed foreign keys' AS title,
       'INFO' AS level,
       ARRAY['PERFORMANCE'] AS categories,
       'Identifies foreign key constraints without a covering index, which can impact database performance.' AS description,
       format('Table `%s.%s` has a foreign key `%s` without a covering index. This can lead to suboptimal query performance.', fk.schema_name, fk.table_name, fk.fkey_name) AS detail,
       format('CREATE INDEX CONCURRENTLY ON %I.%I (%s); (in a migration with -- crmops:no-transaction). https://supabase.com/docs/guides/database/database-linter?lint=0001_unindexed_foreign_keys',
              fk.schema_name, fk.table_name,
              (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                 FROM unnest(fk.col_attnums) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = fk.table_oid AND a.attnum = k.attnum)) AS remediation,
       fk.schema_name::text AS schema_name,
       fk.table_name::text AS object_name,
       format('unindexed_foreign_keys_%s_%s_%s', fk.schema_name, fk.table_name, fk.fkey_name) AS cache_key
  FROM foreign_keys fk
  LEFT JOIN index_ idx ON fk.table_oid = idx.table_oid AND fk.col_attnums = idx.col_attnums[1:array_length(fk.col_attnums, 1)]
  LEFT JOIN pg_catalog.pg_depend dep ON idx.table_oid = dep.objid AND dep.deptype = 'e'
 WHERE idx.index_ IS NULL
   AND fk.schema_name NOT IN ('_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions', 'graphql', 'graphql_public', 'information_schema', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'pg_catalog', 'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault')
   AND dep.objid IS NULL
 ORDER BY fk.schema_name, fk.table_name, fk.fkey_name;
