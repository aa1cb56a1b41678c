INSERT INTO supabase_migrations.crmops_refresh_log (view_name, mode, status, rows_before, rows_after, started_at, duration_ms, message)
VALUES (@view, @mode, @status, @rows_before, @rows_after, @started_at, @duration_ms, @message);
