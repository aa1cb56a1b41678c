-- pg_cron in the database that keeps its jobs (cron.database_name; the server loads it at start:
-- SandboxPgCron.ServerSettings), as Supabase's Dashboard > Integrations > Cron enables it. Returns its version.
CREATE EXTENSION IF NOT EXISTS pg_cron;
SELECT extversion FROM pg_extension WHERE extname = 'pg_cron';
