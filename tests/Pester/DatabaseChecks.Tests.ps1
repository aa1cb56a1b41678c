#requires -Version 7.4
# Every check of Test-CrmDatabase can be seen failing: each case breaks the sandbox the way the check
# exists to catch (through psql, not CrmOps), asserts that exactly the checks concerned fail, with a
# message that says what is wrong, then repairs it; after each case every check passes again.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-CrmSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null
    Update-CrmLeadScore -AsOf ([DateTimeOffset]'2025-10-15T00:00:00Z') -Confirm:$false | Out-Null
    $script:AllChecks = 'AdvisoryError', 'AdvisoryInfo', 'AdvisoryWarn', 'EveryProfileScored', 'MarketingExportFresh', 'NoMigrationOnTestTable', 'SchemaMatchesMigrations', 'ScoresConsistent', 'ScoresCurrent',
        'TimelineCoverage', 'TimelineExists', 'TimelineFresh', 'UnlinkedOrders'

    # Runs Test-CrmDatabase; asserts that exactly $Failing fail and every other check present passes; returns the results by check name.
    function Assert-Checks([string[]] $Failing, [hashtable] $Options = @{}) {
        $results = @(Test-CrmDatabase @Options)
        $results.Count | Should -BeGreaterThan 0
        $byName = @{}; foreach ($r in $results) { $byName[$r.Check] = $r }
        @($results | Where-Object { -not $_.Passed } | ForEach-Object Check | Sort-Object) | Should -Be @($Failing | Sort-Object) -Because ($results | Format-Table Check, Passed, Message -AutoSize -Wrap | Out-String -Width 200)
        $byName
    }
    # A customer whose score is below the maximum (so that a hand edit of +1 stays in range).
    $script:someone = Invoke-TestSql $sb 'select id from customer_profiles where lead_score < 30 order by id limit 1'
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Test-CrmDatabase on a healthy CRM' -Tag Operations {
    It 'runs all thirteen checks and passes them' {
        $checks = Assert-Checks @()
        @($checks.Keys | Sort-Object) | Should -Be $AllChecks
        Test-CrmDatabase -Quiet | Should -BeTrue
    }
}

Describe 'Each check fails on the damage it exists to catch' -Tag Operations {
    AfterEach {
        # Every case repairs what it broke: the next one starts from a healthy CRM.
        $left = @(Test-CrmDatabase | Where-Object { -not $_.Passed })
        $left | Should -BeNullOrEmpty -Because ($left | Format-Table Check, Message -AutoSize | Out-String)
    }

    It 'NoMigrationOnTestTable: the seed''s scoring migration applied to the 3-row customers table' {
        Invoke-TestSql $sb 'alter table public.customers add column lead_score integer, add column rfm_recency integer' | Out-Null
        try {
            # Columns added by hand are also drift from the schema the last migration left.
            $c = Assert-Checks 'NoMigrationOnTestTable', 'SchemaMatchesMigrations'
            $c.NoMigrationOnTestTable.Actual | Should -Be 'lead_score, rfm_recency'
            $c.NoMigrationOnTestTable.Message | Should -Match "test table 'customers' has scoring columns \(lead_score, rfm_recency\): a migration was applied to the wrong table"
            Test-CrmDatabase -Quiet | Should -BeFalse
        }
        finally { Invoke-TestSql $sb 'alter table public.customers drop column lead_score, drop column rfm_recency' | Out-Null }
    }

    It 'UnlinkedOrders: more orders than allowed whose email matches no customer' {
        Invoke-TestSql $sb @'
insert into public.orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at)
select 'chk-unlinked-' || g, 'ev-chk', 'Check night', 'nobody-' || g || '@example.invalid', 'No', 'Body', 50, 45, 'completed', '2025-10-01'
  from generate_series(1, 200) g
'@ | Out-Null
        try {
            $expected = Invoke-TestSql $sb @'
select count(*) filter (where not exists (select 1 from customer_emails ce where lower(ce.email) = o.email)), count(*) from customer_orders_v o
'@
            $unlinked, $orders = $expected -split "`t"
            $c = Assert-Checks 'UnlinkedOrders'
            $c.UnlinkedOrders.Actual | Should -BeLike "$unlinked of $orders (*%)"
            $c.UnlinkedOrders.Message | Should -Match ('{0:N0} of {1:N0} orders have an email that links to no customer' -f [int]$unlinked, [int]$orders)
            # -MaxUnlinkedPercent is the bar: above this share it passes.
            $null = Assert-Checks @() @{ MaxUnlinkedPercent = 5 }
        }
        finally { Invoke-TestSql $sb "delete from public.orders_htx where order_id like 'chk-unlinked-%'" | Out-Null }
    }

    It 'TimelineExists: the timeline is missing' {
        Invoke-TestSql $sb 'alter materialized view public.customer_activity_timeline rename to customer_activity_timeline_away' | Out-Null
        try {
            $c = Assert-Checks 'TimelineExists', 'SchemaMatchesMigrations'
            $c.TimelineExists.Actual | Should -Be 'missing'
            $c.SchemaMatchesMigrations.Message | Should -Match 'MaterializedView public\.customer_activity_timeline Removed'
            $c.TimelineExists.Message | Should -Match 'does not exist: apply the built-in migrations'
            $c.Keys | Should -Not -Contain 'TimelineCoverage'
        }
        finally { Invoke-TestSql $sb 'alter materialized view public.customer_activity_timeline_away rename to customer_activity_timeline' | Out-Null }
    }

    It 'TimelineExists: the timeline was never populated' {
        Invoke-TestSql $sb 'refresh materialized view public.customer_activity_timeline with no data' | Out-Null
        try {
            $c = Assert-Checks 'TimelineExists'
            $c.TimelineExists.Actual | Should -Be 'not populated'
            $c.TimelineExists.Message | Should -Match 'never been populated: run Invoke-CrmTimelineRefresh'
        }
        finally { Invoke-TestSql $sb 'refresh materialized view public.customer_activity_timeline' | Out-Null }
    }

    It 'TimelineCoverage: an order links that the timeline does not hold yet' {
        $email = Invoke-TestSql $sb 'select lower(email) from customer_emails where is_primary order by customer_id limit 1'
        $before = Invoke-TestSql $sb 'select count(*) from customer_activity_timeline'
        Invoke-TestSql $sb "insert into public.orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at) values ('chk-linked-1', 'ev-chk', 'Check night', '$email', 'Some', 'One', 80, 72, 'completed', '2025-10-10')" | Out-Null
        try {
            $linked = Invoke-TestSql $sb 'select count(*) from customer_orders_v o join customer_emails ce on lower(ce.email) = o.email'
            $c = Assert-Checks 'TimelineCoverage'
            $c.TimelineCoverage.Actual | Should -BeLike "$before activities, *"
            $c.TimelineCoverage.Expected | Should -BeLike "$linked activities, *"
            $c.TimelineCoverage.Message | Should -Match ('but {0:N0} orders of .* link today: refresh it' -f [int]$linked)
        }
        finally { Invoke-TestSql $sb "delete from public.orders_htx where order_id = 'chk-linked-1'" | Out-Null }
    }

    It 'TimelineFresh: the last refresh is older than -MaxRefreshAge' {
        Invoke-TestSql $sb "update supabase_migrations.crmops_refresh_log set started_at = started_at - interval '3 days'" | Out-Null
        try {
            $c = Assert-Checks 'TimelineFresh'
            $c.TimelineFresh.Message | Should -Match 'Last refreshed .*, more than 1\.00:00:00 ago'
            $null = Assert-Checks @() @{ MaxRefreshAge = [TimeSpan]::FromDays(7) }
        }
        finally { Invoke-TestSql $sb "update supabase_migrations.crmops_refresh_log set started_at = started_at + interval '3 days'" | Out-Null }
    }

    It 'TimelineFresh: no refresh was ever recorded' {
        Invoke-TestSql $sb "update supabase_migrations.crmops_refresh_log set view_name = 'public.chk_elsewhere' where view_name = 'public.customer_activity_timeline'" | Out-Null
        try {
            $c = Assert-Checks 'TimelineFresh'
            $c.TimelineFresh.Actual | Should -Be 'never (by CrmOps)'
            $c.TimelineFresh.Message | Should -Match 'No refresh is recorded in CrmOps'' refresh log'
        }
        finally { Invoke-TestSql $sb "update supabase_migrations.crmops_refresh_log set view_name = 'public.customer_activity_timeline' where view_name = 'public.chk_elsewhere'" | Out-Null }
    }

    It 'EveryProfileScored: a profile has no score (and so disagrees with a recomputation)' {
        $saved = Invoke-TestSql $sb "select concat_ws(',', lead_score, rfm_recency, rfm_frequency, rfm_monetary) from customer_profiles where id = '$someone'"
        # A score-only write: the profile trigger leaves it alone.
        Invoke-TestSql $sb "update customer_profiles set lead_score = null, rfm_recency = null, rfm_frequency = null, rfm_monetary = null where id = '$someone'" | Out-Null
        try {
            Invoke-TestSql $sb "select lead_score is null from customer_profiles where id = '$someone'" | Should -Be 't'
            $c = Assert-Checks 'EveryProfileScored', 'ScoresConsistent'
            $c.EveryProfileScored.Actual | Should -Be '1 unscored'
            $c.EveryProfileScored.Message | Should -Match '1 of 9,369 profiles have no lead score: run Update-CrmLeadScore'
        }
        finally {
            $s, $r, $f, $m = $saved -split ','
            Invoke-TestSql $sb "update customer_profiles set lead_score = $s, rfm_recency = $r, rfm_frequency = $f, rfm_monetary = $m where id = '$someone'" | Out-Null
        }
    }

    It 'ScoresCurrent: the last scoring run is older than -MaxScoreAge' {
        Invoke-TestSql $sb "update supabase_migrations.crmops_scoring_runs set started_at = started_at - interval '3 days'" | Out-Null
        try {
            $c = Assert-Checks 'ScoresCurrent'
            $c.ScoresCurrent.Message | Should -Match 'The last scoring run was at .*, more than 1\.00:00:00 ago: scores decay with time'
            $null = Assert-Checks @() @{ MaxScoreAge = [TimeSpan]::FromDays(7) }
        }
        finally { Invoke-TestSql $sb "update supabase_migrations.crmops_scoring_runs set started_at = started_at + interval '3 days'" | Out-Null }
    }

    It 'ScoresCurrent: no scoring run was ever recorded' {
        Invoke-TestSql $sb 'alter table supabase_migrations.crmops_scoring_runs rename to crmops_scoring_runs_away' | Out-Null
        try {
            $c = Assert-Checks 'ScoresCurrent'
            $c.ScoresCurrent.Actual | Should -Be 'never (by CrmOps)'
            $c.ScoresCurrent.Message | Should -Match 'No scoring run is recorded in CrmOps'' scoring runs'
            $c.Keys | Should -Not -Contain 'ScoresConsistent' -Because 'without a run there is no instant to recompute as of'
        }
        finally { Invoke-TestSql $sb 'alter table supabase_migrations.crmops_scoring_runs_away rename to crmops_scoring_runs' | Out-Null }
    }

    It 'ScoresConsistent: a score was edited by hand' {
        Invoke-TestSql $sb "update customer_profiles set lead_score = lead_score + 1 where id = '$someone'" | Out-Null
        try {
            $c = Assert-Checks 'ScoresConsistent'
            $c.ScoresConsistent.Actual | Should -Be '1 disagreeing'
            $c.ScoresConsistent.Message | Should -Match '1 scores differ from a recomputation as of 2025-10-15 00:00:00Z'
        }
        finally { Invoke-TestSql $sb "update customer_profiles set lead_score = lead_score - 1 where id = '$someone'" | Out-Null }
    }

    It 'SchemaMatchesMigrations: a column added and an index dropped by hand' {
        $index = Invoke-TestSql $sb "set search_path = ''; select pg_get_indexdef('public.idx_customer_profiles_lead_score'::regclass)"
        Invoke-TestSql $sb 'alter table public.customer_profiles add column vip boolean; drop index public.idx_customer_profiles_lead_score;' | Out-Null
        try {
            $c = Assert-Checks 'SchemaMatchesMigrations'
            $c.SchemaMatchesMigrations.Actual | Should -Be '2 difference(s)'
            $c.SchemaMatchesMigrations.Message | Should -Match "from the snapshot recorded after $((Get-BuiltInMigrations)[-1].Version)"
            $c.SchemaMatchesMigrations.Message | Should -Match 'Column public\.customer_profiles\.vip Added'
            $c.SchemaMatchesMigrations.Message | Should -Match 'Index public\.idx_customer_profiles_lead_score Removed'
            Test-CrmDatabase -Quiet | Should -BeFalse
        }
        finally { Invoke-TestSql $sb "alter table public.customer_profiles drop column vip; $index;" | Out-Null }
    }

    It 'MarketingExportFresh: the export was never populated' {
        Invoke-TestSql $sb 'refresh materialized view public.customer_marketing_export with no data' | Out-Null
        try {
            $c = Assert-Checks 'MarketingExportFresh'
            $c.MarketingExportFresh.Actual | Should -Be 'not populated'
            $c.MarketingExportFresh.Message | Should -Match 'never been populated: refresh it \(Invoke-CrmTimelineRefresh customer_marketing_export\)'
        }
        finally { Invoke-TestSql $sb 'refresh materialized view public.customer_marketing_export' | Out-Null }
    }

    It 'MarketingExportFresh: profiles were added after the export was refreshed' {
        Invoke-TestSql $sb "insert into customer_profiles (id, canonical_full_name) values ('00000000-0000-4000-8000-00000000c4ec', 'Check Newcomer')" | Out-Null
        try {
            $c = Assert-Checks 'MarketingExportFresh'
            $c.MarketingExportFresh.Expected | Should -Be '9370 rows'
            $c.MarketingExportFresh.Actual | Should -Be '9369 rows'
            $c.MarketingExportFresh.Message | Should -Match 'holds 9,369 rows for 9,370 profiles: refresh it'
        }
        finally { Invoke-TestSql $sb "delete from customer_profiles where id = '00000000-0000-4000-8000-00000000c4ec'" | Out-Null }
    }

    It 'AdvisoryError: a policy on a table whose row level security is off (splinter 0007)' {
        Invoke-TestSql $sb 'create policy checks_policy on public.customers for select using (true)' | Out-Null
        try {
            # A policy made by hand is drift too (SchemaMatchesMigrations).
            $c = Assert-Checks 'AdvisoryError', 'SchemaMatchesMigrations'
            $c.AdvisoryError.Actual | Should -Be '1: policy_exists_rls_disabled public.customers'
            $c.AdvisoryError.Message | Should -Match 'Get-CrmAdvisory -Level Error \| Format-List'
        }
        finally { Invoke-TestSql $sb 'drop policy checks_policy on public.customers' | Out-Null }
    }

    It 'AdvisoryWarn: a function without a fixed search_path (splinter 0011); -AdvisoryLevel Error only reports it' {
        Invoke-TestSql $sb "create function public.checks_mutable() returns int language sql as 'select 1'" | Out-Null
        try {
            # A function made by hand is drift too (SchemaMatchesMigrations).
            $c = Assert-Checks 'AdvisoryWarn', 'SchemaMatchesMigrations'
            $c.AdvisoryWarn.Actual | Should -Be '1: function_search_path_mutable public.checks_mutable'
            $c = Assert-Checks 'SchemaMatchesMigrations' @{ AdvisoryLevel = 'Error' }
            $c.AdvisoryWarn.Message | Should -Match 'reported, not failing: -AdvisoryLevel Error'
        }
        finally { Invoke-TestSql $sb 'drop function public.checks_mutable()' | Out-Null }
    }

    It 'AdvisoryInfo: the sample CRM''s INFO advisories fail with -AdvisoryLevel Info' {
        $c = Assert-Checks 'AdvisoryInfo' @{ AdvisoryLevel = 'Info' }
        $c.AdvisoryInfo.Actual | Should -Match 'unindexed_foreign_keys public\.orders'
    }
}

Describe 'Test-CrmDatabase before the built-in migrations' -Tag Operations {
    It 'fails TimelineExists, EveryProfileScored and MarketingExportFresh, saying what to run' {
        $empty = Start-CrmSandbox -Empty -NoDefault
        try {
            $results = @(Test-CrmDatabase -Connection $empty)
            # An empty sandbox's marketing export was created WITH NO DATA: reported, not a crash of the whole check.
            @($results | Where-Object { -not $_.Passed } | ForEach-Object Check | Sort-Object) | Should -Be @('EveryProfileScored', 'MarketingExportFresh', 'TimelineExists')
            # No migration has run here: there is nothing to compare with yet.
            ($results | Where-Object Check -EQ 'SchemaMatchesMigrations').Skipped | Should -BeTrue
            ($results | Where-Object Check -EQ 'MarketingExportFresh').Actual | Should -Be 'not populated'
            ($results | Where-Object Check -EQ 'EveryProfileScored').Message | Should -Match 'Lead scoring is not installed: apply the built-in migrations \(Invoke-CrmMigration -BuiltIn\)'
            ($results | Where-Object Check -EQ 'TimelineExists').Actual | Should -Be 'missing'
            Test-CrmDatabase -Connection $empty -Quiet | Should -BeFalse
        }
        finally { Stop-CrmSandbox $empty }
    }
}
