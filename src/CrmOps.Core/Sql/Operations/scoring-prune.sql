-- Retention of the change log, part of every scoring run: changes recorded more than @keep_days days ago go.
DELETE FROM supabase_migrations.crmops_score_changes WHERE run_started < now() - make_interval(days => @keep_days);
