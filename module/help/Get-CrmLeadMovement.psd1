@{
    Synopsis    = 'Customers whose lead segment changed since a date or a scoring run: who became Hot, who is slipping.'
    Description = @'
Get-CrmLeadMovement returns one CrmLeadMovement per customer whose segment now (their score after the latest scoring run) differs from their segment after the baseline run: the last succeeded run whose as-of instant is at or before -Since (runs are ordered by as-of instant, since a DBA may rescore the past), or the run given to -Since (a CrmScoringResult of Get-CrmScoringHistory). Each carries the segment and score then and now, Direction (Up or Down), the as-of instant of the latest run that changed the score, the lifetime net and the last order.

It reads supabase_migrations.crmops_score_changes, which every scoring run (Update-CrmLeadScore, or a scheduled run) fills with one row per changed score. When no run is as old as -Since, every recorded change counts. Results are streamed, best news first (segment now, then score, then lifetime net): pipe them into Get-CrmCustomerTimeline (by CustomerId) or Export-Csv. A date without an offset is UTC.
'@
    Parameters  = @{
        Since = 'A date (the last scoring run as of then or earlier is the baseline) or a scoring run from Get-CrmScoringHistory.'
        From  = 'Only customers who were in these segments after the baseline (Hot, Warm, Cool, Cold).'
        To    = 'Only customers who are in these segments now; -To Hot gives the newly Hot.'
    }
    Examples    = @(
        @{ Title = 'Newly Hot this week'; Code = 'Get-CrmLeadMovement -Since (Get-Date).AddDays(-7) -To Hot'; Remarks = 'Customers who are Hot now and were not a week ago.' }
        @{ Title = 'Slipping from Warm to Cool'; Code = 'Get-CrmLeadMovement -Since 2025-10-01 -From Warm -To Cool | Export-Csv slipping.csv'; Remarks = 'For the sales team, as a spreadsheet.' }
        @{ Title = 'What did they do?'; Code = 'Get-CrmLeadMovement -Since 2025-10-01 -To Hot | Select-Object -First 5 | Get-CrmCustomerTimeline -Last 3'; Remarks = 'The latest activity of five newly Hot customers.' }
        @{ Title = 'Since a given run'; Code = 'Get-CrmScoringHistory -Last 2 | Select-Object -Last 1 | Get-CrmLeadMovement'; Remarks = 'Movements since the run before the latest.' }
    )
    Links       = @('Get-CrmLeadScoreTrend', 'Export-CrmLeadReport', 'Update-CrmLeadScore', 'Get-CrmCustomerTimeline')
}
