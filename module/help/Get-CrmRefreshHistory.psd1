@{
    Synopsis    = 'Reads the log of materialized view refreshes that CrmOps made.'
    Description = 'Get-CrmRefreshHistory returns the newest entries of supabase_migrations.crmops_refresh_log, the log that Invoke-CrmTimelineRefresh writes: when each refresh started, its mode (Concurrent or Blocking), its status (Succeeded, Skipped, Failed), rows before and after, how long it took, and what started it (Trigger: Manual for Invoke-CrmTimelineRefresh, Scheduled for a pg_cron job of Register-CrmSchedule, whose name is in Schedule). PostgreSQL itself does not record refresh times, and pg_stat_user_tables does not show them. Returns nothing when no refresh has been logged yet.'
    Parameters  = @{
        Name = 'Only refreshes of this view (name or schema.name).'
        Last    = 'How many entries to return, newest first (default 20).'
        Trigger = 'Only refreshes started this way: Manual (Invoke-CrmTimelineRefresh) or Scheduled (a pg_cron job of Register-CrmSchedule).'
    }
    Examples    = @(
        @{ Title = 'When was the timeline last refreshed?'; Code = 'Get-CrmRefreshHistory customer_activity_timeline -Last 1'; Remarks = 'The newest refresh of the timeline.' }
        @{ Title = 'What did the nightly job do?'; Code = 'Get-CrmRefreshHistory -Trigger Scheduled -Last 7'; Remarks = 'The refreshes that pg_cron jobs ran, with the schedule''s name; a Skipped one found another refresh running.' }
        @{ Title = 'Failed refreshes this week'; Code = 'Get-CrmRefreshHistory -Last 500 | Where-Object { $_.Status -eq ''Failed'' -and $_.StartedAt -gt (Get-Date).AddDays(-7) }'; Remarks = 'Filters the log.' }
    )
    Links       = @('Invoke-CrmTimelineRefresh', 'Register-CrmSchedule', 'Get-CrmScoringHistory')
}
