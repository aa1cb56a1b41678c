-- What the schedule commands need to know about pg_cron, in one round trip: installed on the server
-- (pg_available_extensions), loaded at server start (its settings exist only then), enabled in this
-- database (pg_extension), this role's privileges on it, where it keeps its jobs (cron.database_name)
-- and which time zone it reads schedules in (cron.timezone, pg_cron 1.5+; GMT before), and whether
-- this database has CrmOps' SQL tasks (built-in migration 20261126150030). Functions are found in the
-- catalog, not by name: a name lookup in a schema without USAGE would fail instead of answering. pg_cron's
-- settings are superuser-only: they are read only by a role allowed to (superuser, pg_read_all_settings).
WITH f AS (
    SELECT n.nspname, p.proname, p.pronargs, p.oid
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE (n.nspname = 'cron' AND p.proname IN ('schedule', 'schedule_in_database'))
        OR (n.nspname = 'crmops' AND p.proname = 'run_step')
)
SELECT (SELECT default_version FROM pg_available_extensions WHERE name = 'pg_cron')                  AS available_version,
       (SELECT extversion FROM pg_extension WHERE extname = 'pg_cron')                              AS enabled_version,
       CASE WHEN pg_has_role('pg_read_all_settings', 'USAGE') THEN current_setting('cron.database_name', true) END AS cron_database,
       CASE WHEN pg_has_role('pg_read_all_settings', 'USAGE') THEN current_setting('cron.timezone', true) END      AS cron_timezone,
       current_database()::text                                                                      AS database_name,
       current_user::text                                                                            AS role_name,
       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_admin')                              AS supabase,
       has_schema_privilege((SELECT oid FROM pg_namespace WHERE nspname = 'cron'), 'USAGE')          AS cron_usage,
       (SELECT bool_or(has_function_privilege(f.oid, 'EXECUTE')) FROM f WHERE f.nspname = 'cron' AND f.proname = 'schedule' AND f.pronargs = 3)
                                                                                                     AS can_schedule,
       (SELECT bool_or(has_function_privilege(f.oid, 'EXECUTE')) FROM f WHERE f.proname = 'schedule_in_database')
                                                                                                     AS can_schedule_in_database,
       EXISTS (SELECT 1 FROM f WHERE f.nspname = 'crmops')                                           AS tasks_installed,
       (SELECT bool_or(has_function_privilege(f.oid, 'EXECUTE'))
                   AND has_schema_privilege((SELECT oid FROM pg_namespace WHERE nspname = 'crmops'), 'USAGE')
          FROM f WHERE f.nspname = 'crmops')                                                         AS can_run_tasks,
       pg_has_role('pg_read_all_settings', 'USAGE')                                                 AS settings_readable;
