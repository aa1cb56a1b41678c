@{
    Synopsis    = 'Runs the seed''s verification queries as checks that a Pester test can assert on.'
    Description = @'
Test-CrmDatabase returns one CrmCheckResult per check, each with Expected, Actual, Passed and a message that says what to do when it fails:
NoMigrationOnTestTable (the 3-row customers test table carries no scoring columns: the seed's mistake is absent), UnlinkedOrders (orders whose email links to no customer stay under -MaxUnlinkedPercent), TimelineExists, TimelineCoverage (the timeline holds every order that links to a customer today), TimelineFresh (refreshed within -MaxRefreshAge), EveryProfileScored, ScoresCurrent (scored within -MaxScoreAge), ScoresConsistent (every score equals a recomputation as of the last run), MarketingExportFresh and SchemaMatchesMigrations (the schema equals the snapshot CrmOps recorded after the last migration or baseline, as Compare-CrmSchema's drift check; Skipped, with the reason, while no snapshot is recorded). Everything runs in one read-only transaction. A skipped check has Skipped set and counts as passed.

Then one check per advisory level of Supabase's advisors (Get-CrmAdvisory): AdvisoryError, AdvisoryWarn and AdvisoryInfo, each listing what it found. A level at or above -AdvisoryLevel (default Warn) fails when it has an advisory; a lower level passes and reports its advisories. So a Pester test can assert that the database has no ERROR advisory (security: tables readable through the Data API without row level security, policies without RLS, security definer views).
'@
    Parameters  = @{
        MaxScoreAge        = 'How old the last scoring run may be before ScoresCurrent fails: a TimeSpan (1.00:00:00) or a number of seconds (86400). Default: 1 day.'
        MaxRefreshAge      = 'How old the last timeline refresh may be before TimelineFresh fails: a TimeSpan (1.00:00:00) or a number of seconds (86400). Default: 1 day.'
        MaxUnlinkedPercent = 'The share of orders (percent) allowed to link to no customer (default 1).'
        Quiet              = 'Returns only $true when every check passes, else $false.'
        AdvisoryLevel      = 'The lowest advisory level whose check fails when it has advisories: Error, Warn or Info. Default: Warn (ERROR and WARN advisories fail, INFO ones are reported).'
        ExposedSchema      = 'The schemas Supabase''s Data API (PostgREST) serves, for the advisory checks. Default: the database''s pgrst.db_schemas setting when it has one, else public.'
    }
    Examples    = @(
        @{ Title = 'After a deployment'; Code = 'Test-CrmDatabase | Format-Table Check, Passed, Message'; Remarks = 'Shows each check and what to do about a failure.' }
        @{ Title = 'In a Pester test'; Code = 'Test-CrmDatabase | ForEach-Object { $_.Passed | Should -BeTrue -Because $_.Message }'; Remarks = 'Each check becomes an assertion.' }
        @{ Title = 'No security ERROR'; Code = '(Test-CrmDatabase | Where-Object Check -eq ''AdvisoryError'').Passed | Should -BeTrue'; Remarks = 'Fails while any table in an API-served schema is readable by anon without row level security.' }
    )
    Links       = @('Invoke-CrmTimelineRefresh', 'Update-CrmLeadScore', 'Get-CrmAdvisory')
}
