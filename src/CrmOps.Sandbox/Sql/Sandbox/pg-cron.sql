-- pg_cron in the sandbox's CRM database (the server loads it at start: SandboxPgCron.ServerSettings),
-- as Supabase's Dashboard > Integrations > Cron enables it. Returns the version enabled.
CREATE EXTENSION IF NOT EXISTS pg_cron;
SELECT extversion FROM pg_extension WHERE extname = 'pg_cron';
