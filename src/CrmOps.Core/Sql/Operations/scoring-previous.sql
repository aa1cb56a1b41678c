-- The latest whole-table run, the base for a targeted (incremental) run.
SELECT as_of, started_at FROM supabase_migrations.crmops_scoring_runs
 WHERE mode IN ('Full', 'Targeted')
 ORDER BY started_at DESC, id DESC
 LIMIT 1;
