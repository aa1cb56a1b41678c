-- Test-CrmMigration -Lint: a relation resolved the way the migration will resolve it (search_path), with what the
-- planner would estimate of its rows today: reltuples scaled by the pages the table has now (estimate_rel_size's
-- rule), the statistics collector's live tuples, and the current size in pages.
SELECT c.oid::bigint,
       n.nspname::text,
       c.relname::text,
       c.relkind::text,
       c.relispopulated,
       c.reltuples::float8,
       c.relpages::bigint,
       CASE WHEN c.relkind IN ('r', 'm', 't') THEN pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint END AS pages_now,
       s.n_live_tup
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
 WHERE c.oid = pg_catalog.to_regclass($1);
