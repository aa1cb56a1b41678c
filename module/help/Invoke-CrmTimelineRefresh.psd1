@{
    Synopsis    = 'Refreshes the customer activity timeline (or other materialized views), concurrently when possible, and logs each refresh.'
    Description = @'
Invoke-CrmTimelineRefresh refreshes customer_activity_timeline, or the materialized views named by -Name. When the view is populated and has a unique index on plain columns it refreshes CONCURRENTLY, so readers are never blocked; otherwise it does a plain refresh. If another refresh of the same view is running (from CrmOps, psql or pg_cron) it does not queue behind it: it skips with a warning and returns Status Skipped. -LockTimeout bounds how long it waits for the view's lock.

Every refresh, skipped and failed ones included, is recorded in supabase_migrations.crmops_refresh_log with the rows before and after and the duration (PostgreSQL itself records no refresh time; read the log with Get-CrmRefreshHistory).

Built for scheduled tasks: pwsh -NoProfile -Command "Invoke-CrmTimelineRefresh" ends with a non-zero exit code and the error on stderr when the refresh fails.
'@
    Parameters  = @{
        Name         = 'Materialized views to refresh, schema-qualified or in public. Default: customer_activity_timeline.'
        Concurrently = 'Requires a concurrent refresh and fails if the view cannot have one. -Concurrently:$false forces a plain (blocking) refresh. Without it: concurrent when possible.'
        LockTimeout  = 'A number of seconds (2, 0.5) or a TimeSpan (00:00:02), more than 0 and at most 1 hour: how long to wait for the view''s lock before giving up (default 5 seconds), so the refresh never queues the production workload behind itself.'
    }
    Examples    = @(
        @{ Title = 'Refresh the timeline'; Code = 'Invoke-CrmTimelineRefresh'; Remarks = 'Refreshes customer_activity_timeline concurrently and returns rows before and after.' }
        @{ Title = 'Nightly from cron at 2 AM'; Code = '0 2 * * * pwsh -NoProfile -Command "Import-Module CrmOps; Invoke-CrmTimelineRefresh -ErrorAction Stop" >> /var/log/crmops-refresh.log 2>&1'; Remarks = 'Set CRMOPS_CONNECTION (or PGHOST/PGUSER/PGPASSFILE) in the job''s environment. A failure gives a non-zero exit code.' }
        @{ Title = 'Refresh the marketing export too'; Code = 'Invoke-CrmTimelineRefresh customer_activity_timeline, customer_marketing_export -LockTimeout 00:00:10'; Remarks = 'Refreshes both views, waiting at most 10 seconds for each lock.' }
    )
    Links       = @('Get-CrmRefreshHistory', 'Test-CrmDatabase')
}
