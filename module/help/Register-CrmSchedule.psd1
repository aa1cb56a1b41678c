@{
    Synopsis    = 'Schedules the timeline refresh and the lead scoring inside the database, as a pg_cron job.'
    Description = @'
Register-CrmSchedule creates a pg_cron job (Supabase's Cron is pg_cron) that runs CrmOps' work in the CRM's database on a cron schedule, with no server of your own to run cron on. -Task Refresh refreshes customer_activity_timeline, Score rescores the leads, RefreshAndScore does both. The job runs the same logic as Invoke-CrmTimelineRefresh and Update-CrmLeadScore, from the SQL functions of the built-in migration 20261126150030 (apply it first: Invoke-CrmMigration -BuiltIn): a refresh is skipped and logged as Skipped when another one runs, the scoring targets only the customers that can have changed after a first whole run and writes only changed scores, and every run is logged in the refresh log and the scoring log with Trigger Scheduled and the schedule's name (Get-CrmRefreshHistory, Get-CrmScoringHistory). The job commits after each step (each scoring batch is its own short transaction); when a step fails, its data stays as it was, the error is logged, and the job ends in error so that cron.job_run_details, the Supabase Dashboard and Get-CrmSchedule show the failure.

The job belongs to the role that registers it and runs as that role. Registering a name again updates that job (its schedule and task) instead of adding a second one; a job of that name that CrmOps did not register is left alone unless you add -Force.

pg_cron reads schedules in its own time zone: GMT (UTC), unless the server sets cron.timezone (pg_cron 1.5 and later). '0 2 * * *' is therefore 02:00 UTC, which is 13:00 in Sydney in summer. With -TimeZone you write -Cron in your own time zone and CrmOps rewrites it for pg_cron's, at today's offset; when your zone changes to or from daylight saving, a warning says when the local time of the runs will move by an hour (register again then, or set cron.timezone on the server). pg_cron 1.4 runs jobs at most once a minute; 'N seconds' intervals and '$' (last day of the month) need pg_cron 1.5 or later, as Supabase has.

Where pg_cron is missing, the command fails with one error that says which precondition is missing (not installed, not in shared_preload_libraries, not enabled in the database, no USAGE on schema cron) and how to enable it, on Supabase (Dashboard > Integrations > Cron, or create extension pg_cron) and on your own server. When pg_cron keeps its jobs in another database (cron.database_name), the job is registered there with cron.schedule_in_database and runs in the CRM's database. -WhatIf checks everything and says what it would schedule, without changing anything.
'@
    Parameters  = @{
        Name     = 'The job''s name (pg_cron job names are unique per role): 1 to 63 letters, digits, ''_'', ''-'', ''.'' or '':''. Registering the same name again updates the job.'
        Task     = 'What the job runs: Refresh (the activity timeline), Score (the lead scores) or RefreshAndScore (the refresh, then the scoring).'
        Cron     = 'When it runs: five cron fields (minute hour day-of-month month day-of-week, e.g. ''0 2 * * *'' for 02:00 every day), a macro (@daily, @hourly, @weekly, @monthly, @yearly), or on pg_cron 1.5+ ''N seconds''. Checked before anything changes; read in pg_cron''s time zone unless -TimeZone is given.'
        TimeZone = 'The time zone -Cron is written in (an IANA name such as ''Australia/Sydney'', or a Windows id). CrmOps rewrites the schedule for pg_cron''s time zone at today''s offset and warns when daylight saving will move it.'
        Force    = 'Replaces a job of the same name that CrmOps did not register, or that runs in another database.'
        KeepDays = 'Days of recorded score changes (supabase_migrations.crmops_score_changes) that the job''s scoring keeps; older ones are deleted by each run, as Update-CrmLeadScore -KeepDays does. Default 400. Only with -Task Score or RefreshAndScore. Get-CrmSchedule shows it as KeepDays.'
    }
    Examples    = @(
        @{
            Title   = 'The nightly routine the seed recommends'
            Code    = "Invoke-CrmMigration -BuiltIn`nRegister-CrmSchedule -Name nightly -Task RefreshAndScore -Cron '0 2 * * *'"
            Remarks = 'Refreshes the timeline and rescores the leads at 02:00 UTC every day, inside the database.'
        }
        @{
            Title   = 'At 2 AM Sydney time'
            Code    = "Register-CrmSchedule nightly RefreshAndScore '0 2 * * *' -TimeZone 'Australia/Sydney' -WhatIf"
            Remarks = 'Shows the job it would create, with the schedule rewritten for UTC (15:00 the day before in summer), and changes nothing.'
        }
        @{
            Title   = 'Rescore every hour on weekdays'
            Code    = "Register-CrmSchedule -Name hourly-scores -Task Score -Cron '0 8-18 * * 1-5'"
            Remarks = 'A targeted scoring run every hour from 08:00 to 18:00 UTC, Monday to Friday.'
        }
    )
    Links       = @('Get-CrmSchedule', 'Unregister-CrmSchedule', 'Get-CrmRefreshHistory', 'Get-CrmScoringHistory')
}
