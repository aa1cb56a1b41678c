@{
    Synopsis    = 'Runs the seed''s verification queries as checks that a Pester test can assert on.'
    Description = @'
Test-CrmDatabase returns one CrmCheckResult per check, each with Expected, Actual, Passed and a message that says what to do when it fails:
NoMigrationOnTestTable (the 3-row customers test table carries no scoring columns: the seed's mistake is absent), UnlinkedOrders (orders whose email links to no customer stay under -MaxUnlinkedPercent), TimelineExists, TimelineCoverage (the timeline holds every order that links to a customer today), TimelineFresh (refreshed within -MaxRefreshAge), EveryProfileScored, ScoresCurrent (scored within -MaxScoreAge), ScoresConsistent (every score equals a recomputation as of the last run), MarketingExportFresh and SchemaMatchesMigrations (the schema equals the snapshot CrmOps recorded after the last migration or baseline, as Compare-CrmSchema's drift check; Skipped, with the reason, while no snapshot is recorded). Everything runs in one read-only transaction. A skipped check has Skipped set and counts as passed.
'@
    Parameters  = @{
        MaxScoreAge        = 'How old the last scoring run may be before ScoresCurrent fails: a TimeSpan (1.00:00:00) or a number of seconds (86400). Default: 1 day.'
        MaxRefreshAge      = 'How old the last timeline refresh may be before TimelineFresh fails: a TimeSpan (1.00:00:00) or a number of seconds (86400). Default: 1 day.'
        MaxUnlinkedPercent = 'The share of orders (percent) allowed to link to no customer (default 1).'
        Quiet              = 'Returns only $true when every check passes, else $false.'
    }
    Examples    = @(
        @{ Title = 'After a deployment'; Code = 'Test-CrmDatabase | Format-Table Check, Passed, Message'; Remarks = 'Shows each check and what to do about a failure.' }
        @{ Title = 'In a Pester test'; Code = 'Test-CrmDatabase | ForEach-Object { $_.Passed | Should -BeTrue -Because $_.Message }'; Remarks = 'Each check becomes an assertion.' }
    )
    Links       = @('Invoke-CrmTimelineRefresh', 'Update-CrmLeadScore')
}
