-- What the schedule commands need to know about pg_cron, in one round trip: installed on the server
-- (pg_available_extensions), loaded at server start (its settings exist only then), enabled in this
-- database (pg_extension), this role's privileges on it, where it keeps its jobs (cron.database_name)
-- and which time zone it reads schedules in (cron.timezone, pg_cron 1.5+; GMT before), and whether
-- this database has CrmOps' SQL tasks (built-in migration 20261126150030).
SELECT (SELECT default_version FROM pg_available_extensions WHERE name = 'pg_cron')                  AS available_version,
       (SELECT extversion FROM pg_extension WHERE extname = 'pg_cron')                              AS enabled_version,
       current_setting('cron.database_name', true)                                                   AS cron_database,
       current_setting('cron.timezone', true)                                                        AS cron_timezone,
       current_database()::text                                                                      AS database_name,
       current_user::text                                                                            AS role_name,
       EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'supabase_admin')                              AS supabase,
       has_schema_privilege((SELECT oid FROM pg_namespace WHERE nspname = 'cron'), 'USAGE')          AS cron_usage,
       has_function_privilege(to_regprocedure('cron.schedule(text,text,text)')::oid, 'EXECUTE')       AS can_schedule,
       has_function_privilege(to_regprocedure('cron.schedule_in_database(text,text,text,text,text,boolean)')::oid, 'EXECUTE')
                                                                                                     AS can_schedule_in_database,
       to_regprocedure('crmops.run_step(text,text,jsonb,text)') IS NOT NULL                          AS tasks_installed,
       has_function_privilege(to_regprocedure('crmops.run_step(text,text,jsonb,text)')::oid, 'EXECUTE') AS can_run_tasks;
