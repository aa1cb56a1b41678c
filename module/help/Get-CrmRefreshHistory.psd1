@{
    Synopsis    = 'Reads the log of materialized view refreshes that CrmOps made.'
    Description = 'Get-CrmRefreshHistory returns the newest entries of supabase_migrations.crmops_refresh_log, the log that Invoke-CrmTimelineRefresh writes: when each refresh started, its mode (Concurrent or Blocking), its status (Succeeded, Skipped, Failed), rows before and after, and how long it took. PostgreSQL itself does not record refresh times, and pg_stat_user_tables does not show them. Returns nothing when no refresh has been logged yet.'
    Parameters  = @{
        Name = 'Only refreshes of this view (name or schema.name).'
        Last = 'How many entries to return, newest first (default 20).'
    }
    Examples    = @(
        @{ Title = 'When was the timeline last refreshed?'; Code = 'Get-CrmRefreshHistory customer_activity_timeline -Last 1'; Remarks = 'The newest refresh of the timeline.' }
        @{ Title = 'Failed refreshes this week'; Code = 'Get-CrmRefreshHistory -Last 500 | Where-Object { $_.Status -eq ''Failed'' -and $_.StartedAt -gt (Get-Date).AddDays(-7) }'; Remarks = 'Filters the log.' }
    )
    Links       = @('Invoke-CrmTimelineRefresh')
}
