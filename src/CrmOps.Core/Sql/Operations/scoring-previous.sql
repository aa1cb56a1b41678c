-- The latest whole-table run that succeeded, the base for a targeted (incremental) run
-- (crmops.score_plan() of the built-in migration decides the same way).
SELECT as_of, started_at FROM supabase_migrations.crmops_scoring_runs
 WHERE mode IN ('Full', 'Targeted') AND status = 'Succeeded'
 ORDER BY started_at DESC, id DESC
 LIMIT 1;
