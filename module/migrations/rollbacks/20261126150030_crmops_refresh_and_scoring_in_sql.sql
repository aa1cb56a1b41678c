-- Removes the functions that 20261126150030_crmops_refresh_and_scoring_in_sql.sql adds. pg_cron jobs
-- registered with Register-CrmSchedule call them: remove those first (Get-CrmSchedule |
-- Unregister-CrmSchedule), or they fail at their next run. The log tables and their columns
-- (trigger, schedule, status, message) stay: they hold the history of every refresh and scoring run,
-- and CrmOps creates them on first use anyway.
DROP FUNCTION IF EXISTS crmops.run_task(text, text, text);
DROP FUNCTION IF EXISTS crmops.run_step(text, text, jsonb, text);
DROP FUNCTION IF EXISTS crmops.log_scoring_run(timestamptz, timestamptz, text, bigint, bigint, text, text, text, text);
DROP FUNCTION IF EXISTS crmops.score_targeted(timestamptz, timestamptz, timestamptz, uuid[]);
DROP FUNCTION IF EXISTS crmops.score_without_metrics(timestamptz);
DROP FUNCTION IF EXISTS crmops.score_pages(timestamptz, bigint, bigint);
DROP FUNCTION IF EXISTS crmops.score_plan(timestamptz, boolean, integer);
DROP FUNCTION IF EXISTS crmops.refresh_view(text, text, text, interval, boolean);
