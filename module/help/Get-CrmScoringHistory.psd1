@{
    Synopsis    = 'Reads the log of lead-scoring runs, manual and scheduled.'
    Description = @'
Get-CrmScoringHistory returns the newest entries of supabase_migrations.crmops_scoring_runs: each run's as-of instant, mode (Full, Targeted, Customers), customers and scores changed, segment sizes after the run, how long it took, and what started it (Trigger: Manual for Update-CrmLeadScore, Scheduled for a pg_cron job of Register-CrmSchedule, whose name is in Schedule). A scheduled run that failed is logged with Status Failed and the error in Message; batches committed before the failure keep their new scores. Returns nothing when no run has been logged yet.
'@
    Parameters  = @{
        Last    = 'How many runs to return, newest first (default 20).'
        Trigger = 'Only runs started this way: Manual (Update-CrmLeadScore) or Scheduled (a pg_cron job).'
    }
    Examples    = @(
        @{ Title = 'The last week of scoring'; Code = 'Get-CrmScoringHistory -Last 7'; Remarks = 'One row per run, newest first.' }
        @{ Title = 'Did a scheduled run fail?'; Code = 'Get-CrmScoringHistory -Trigger Scheduled | Where-Object Status -eq Failed'; Remarks = 'Failed scheduled runs, with their error.' }
    )
    Links       = @('Update-CrmLeadScore', 'Register-CrmSchedule', 'Get-CrmRefreshHistory')
}
