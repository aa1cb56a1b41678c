@{
    Synopsis    = 'Segment sizes over time, per day, week or month, from the scoring runs'' log.'
    Description = @'
Get-CrmLeadScoreTrend returns the sizes of the Hot, Warm, Cool and Cold segments at each point of time: for each day, week or month (UTC) the last succeeded scoring run of the interval by as-of instant gives the point. One CrmSegmentTrend per segment and point, oldest first, with the change since the previous point. It reads supabase_migrations.crmops_scoring_runs and returns nothing when no run is logged.
'@
    Parameters  = @{
        Since    = 'Runs as of this date or later (default: 90 days ago). A date without an offset is UTC.'
        Interval = 'Day (default), Week or Month.'
    }
    Examples    = @(
        @{ Title = 'Is the Hot segment growing?'; Code = 'Get-CrmLeadScoreTrend -Since 2025-07-01 -Interval Week | Where-Object Segment -eq Hot'; Remarks = 'Hot customers week by week, with the change since the week before.' }
        @{ Title = 'A month-by-month table'; Code = 'Get-CrmLeadScoreTrend -Since 2025-01-01 -Interval Month | Format-Table Date, Segment, Customers, Change'; Remarks = 'Segment sizes at the end of each month.' }
    )
    Links       = @('Get-CrmLeadMovement', 'Export-CrmLeadReport', 'Get-CrmScoringHistory')
}
