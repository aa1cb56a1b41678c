INSERT INTO supabase_migrations.crmops_scoring_runs (as_of, started_at, duration_ms, mode, customers, changed, hot, warm, cool, cold, average, status, message)
VALUES (@as_of, @started_at, @duration_ms, @mode, @customers, @changed, @hot, @warm, @cool, @cold, @average, @status, @message);
