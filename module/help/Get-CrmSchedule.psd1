@{
    Synopsis    = 'Lists the pg_cron jobs CrmOps registered for the database, with their last run.'
    Description = @'
Get-CrmSchedule reads pg_cron's cron.job and cron.job_run_details and returns one CrmSchedule per job that CrmOps registered for the connection's database (a job whose command calls crmops.run_step): its name, task, cron schedule and the time zone pg_cron reads it in, whether it is active, the next run, and the last run's start, status (Starting, Running, Succeeded, Failed), duration and message (the error of a failed run). What each run did (refreshed, skipped, rescored) is in Get-CrmRefreshHistory and Get-CrmScoringHistory, with Trigger Scheduled.

pg_cron shows a role its own jobs only (a superuser sees every role's). Where pg_cron is missing, the command fails with the error that says how to enable it.
'@
    Parameters  = @{
        Name = 'Only these schedules (wildcards allowed).'
    }
    Examples    = @(
        @{ Title = 'How did last night go?'; Code = 'Get-CrmSchedule'; Remarks = 'Every CrmOps job with its last run''s status and duration.' }
        @{ Title = 'Failed jobs, with the error'; Code = 'Get-CrmSchedule | Where-Object LastStatus -eq Failed | Format-List Name, LastRunAt, LastMessage'; Remarks = 'The message is pg_cron''s record of the error.' }
    )
    Links       = @('Register-CrmSchedule', 'Unregister-CrmSchedule', 'Get-CrmRefreshHistory')
}
