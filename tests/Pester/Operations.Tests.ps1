#requires -Version 7.4
# CRM operations end to end on the default sandbox: the seed's migrations, the timeline refresh,
# lead scoring (checked customer by customer against the spec's rules written here), reports,
# scheduled-task behaviour and the CSV round trip.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-TestSandbox
    $script:AsOf = [DateTimeOffset]'2025-10-15T00:00:00Z'

    # The spec's rules, written independently of the module (crm-database.md, "Lead scoring").
    function script:Get-ExpectedScore([Nullable[DateTimeOffset]] $LastOrderAt, [int] $Orders, [decimal] $Net, [DateTimeOffset] $AsOf) {
        $r = if ($null -eq $LastOrderAt) { 1 }
             elseif ($LastOrderAt -ge $AsOf.AddDays(-30)) { 5 }
             elseif ($LastOrderAt -ge $AsOf.AddDays(-60)) { 4 }
             elseif ($LastOrderAt -ge $AsOf.AddDays(-90)) { 3 }
             elseif ($LastOrderAt -ge $AsOf.AddDays(-180)) { 2 }
             else { 1 }
        $f = if ($Orders -ge 10) { 5 } elseif ($Orders -ge 5) { 4 } elseif ($Orders -ge 3) { 3 } elseif ($Orders -ge 1) { 2 } else { 1 }
        $m = if ($Net -ge 1000) { 5 } elseif ($Net -ge 500) { 4 } elseif ($Net -ge 200) { 3 } elseif ($Net -ge 50) { 2 } else { 1 }
        [pscustomobject]@{ R = $r; F = $f; M = $m; Score = 3 * $r + 2 * $f + $m }
    }

    # Every profile's inputs and stored score, read through psql.
    function script:Get-ScoreRows {
        Invoke-TestSql $sb @'
select p.id, coalesce(extract(epoch from m.last_order_at)::text, ''), coalesce(m.lifetime_orders, 0), coalesce(m.lifetime_net, 0),
       coalesce(p.lead_score::text, ''), coalesce(p.rfm_recency::text, ''), coalesce(p.rfm_frequency::text, ''), coalesce(p.rfm_monetary::text, '')
  from customer_profiles p left join customer_engagement_metrics m on m.customer_id = p.id
'@ | ForEach-Object {
            $c = $_ -split "`t"
            [pscustomobject]@{
                Id = $c[0]
                LastOrderAt = if ($c[1]) { [DateTimeOffset]::FromUnixTimeMilliseconds([long]([decimal]$c[1] * 1000)) } else { $null }
                Orders = [int]$c[2]; Net = [decimal]$c[3]
                Score = if ($c[4]) { [int]$c[4] } else { $null }; R = $c[5]; F = $c[6]; M = $c[7]
            }
        }
    }
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'The seed''s figures, end to end' {
    It 'refuses nothing and applies the built-in migrations: the seed''s two, their hardening, then the SQL tasks of the schedules and the change log' {
        $r = Invoke-CrmMigration -BuiltIn -Confirm:$false
        $r | Should -HaveCount 5
        $r.Status | Should -Be @('Applied', 'Applied', 'Applied', 'Applied', 'Applied')
        $r[0].Name | Should -Be 'create_customer_activity_timeline_correct'
        $r[1].Name | Should -Be 'create_lead_scoring_correct'
        $r[2].Name | Should -Be 'secure_builtin_objects'
        $r[3].Name | Should -Be 'crmops_refresh_and_scoring_in_sql'
        $r[4].Name | Should -Be 'crmops_score_changes'
    }

    It 'holds 11,825 activities of 9,369 customers, April 2021 to October 2025, after a refresh' {
        $refresh = Invoke-CrmTimelineRefresh
        $refresh.Status | Should -Be 'Succeeded'
        $refresh.Mode | Should -Be 'Concurrent'
        $refresh.RowsAfter | Should -Be 11825
        $row = Invoke-TestSql $sb "select count(*), count(distinct customer_id), to_char(min(created_at), 'YYYY-MM'), to_char(max(created_at), 'YYYY-MM') from customer_activity_timeline"
        $row | Should -Be "11825`t9369`t2021-04`t2025-10"
    }

    It 'scores as of 2025-10-15 into exactly the seed''s table' {
        $run = Update-CrmLeadScore -AsOf $AsOf -Confirm:$false
        $run.Mode | Should -Be 'Full'
        $run.Customers | Should -Be 9369
        $run.Changed | Should -Be 9369
        $run.Hot, $run.Warm, $run.Cool, $run.Cold | Should -Be @(20, 653, 1148, 7548)
        $d = Get-CrmLeadScoreDistribution
        $d.Segment | Should -Be @('Hot', 'Warm', 'Cool', 'Cold')
        $d.Customers | Should -Be @(20, 653, 1148, 7548)
        $d.Percent | Should -Be @(0.2, 7.0, 12.3, 80.6)
        Invoke-TestSql $sb 'select round(avg(lead_score), 2), min(lead_score), max(lead_score) from customer_profiles' | Should -Be "10.06`t8`t28"
    }

    It 'matches an independent computation of the rules for every customer' {
        $rows = Get-ScoreRows
        $rows | Should -HaveCount 9369
        $wrong = foreach ($row in $rows) {
            $e = Get-ExpectedScore $row.LastOrderAt $row.Orders $row.Net $AsOf
            if ($row.Score -ne $e.Score -or [int]$row.R -ne $e.R -or [int]$row.F -ne $e.F -or [int]$row.M -ne $e.M) { $row.Id }
        }
        @($wrong) | Should -BeNullOrEmpty
    }

    It 'does not touch updated_at, and a rerun changes nothing' {
        $before = Invoke-TestSql $sb 'select md5(string_agg(updated_at::text, '','' order by id)) from customer_profiles'
        $again = Update-CrmLeadScore -AsOf $AsOf -Confirm:$false
        $again.Changed | Should -Be 0
        $full = Update-CrmLeadScore -AsOf $AsOf -Full -Confirm:$false
        $full.Changed | Should -Be 0
        $full.Customers | Should -Be 9369
        Invoke-TestSql $sb 'select md5(string_agg(updated_at::text, '','' order by id)) from customer_profiles' | Should -Be $before
    }

    It 'passes every check of Test-CrmDatabase' {
        $checks = Test-CrmDatabase
        foreach ($c in Select-ChecksThatMustPass $sb $checks) { $c.Passed | Should -BeTrue -Because "$($c.Check): $($c.Message)" }
        $checks.Check | Should -Contain 'TimelineCoverage'
        $checks.Check | Should -Contain 'ScoresConsistent'
        # -Quiet says whether every check passed (on the Supabase shape the sample CRM's advisories fail: false).
        Test-CrmDatabase -Quiet | Should -Be (@($checks | Where-Object { -not $_.Passed }).Count -eq 0)
    }
}

Describe 'Time decay and -WhatIf' {
    It 'says how many would change a month later, without writing' {
        $later = $AsOf.AddDays(30)
        $sumBefore = Invoke-TestSql $sb 'select sum(lead_score) from customer_profiles'
        $plan = Update-CrmLeadScore -AsOf $later -WhatIf
        $plan.WhatIf | Should -BeTrue
        $plan.Changed | Should -BeGreaterThan 0
        Invoke-TestSql $sb 'select sum(lead_score) from customer_profiles' | Should -Be $sumBefore
        $script:planned = $plan.Changed
    }

    It 'moves customers down when scored as of a later date, changing exactly as planned' {
        $later = $AsOf.AddDays(30)
        $sumBefore = [long](Invoke-TestSql $sb 'select sum(lead_score) from customer_profiles')
        $run = Update-CrmLeadScore -AsOf $later -Confirm:$false
        $run.Mode | Should -Be 'Targeted' -Because 'after a whole run, only customers whose band can have changed are examined'
        $run.Examined | Should -BeLessThan 9369
        $run.Changed | Should -Be $script:planned
        [long](Invoke-TestSql $sb 'select sum(lead_score) from customer_profiles') | Should -BeLessThan $sumBefore
        $run.Hot | Should -BeLessOrEqual 20
        $wrong = foreach ($row in Get-ScoreRows) {
            $e = Get-ExpectedScore $row.LastOrderAt $row.Orders $row.Net $later
            if ($row.Score -ne $e.Score) { $row.Id }
        }
        @($wrong) | Should -BeNullOrEmpty
        Update-CrmLeadScore -AsOf $AsOf -Confirm:$false | Out-Null
    }
}

Describe 'Rules at their boundaries' {
    BeforeAll {
        # Synthetic customers at each threshold; the engagement trigger scores them as of now on insert.
        $script:cases = @(
            @{ Days = 30; Extra = 0; Orders = 1; Net = 49.99 }, @{ Days = 30; Extra = 1; Orders = 1; Net = 50 },
            @{ Days = 60; Extra = 0; Orders = 3; Net = 200 }, @{ Days = 60; Extra = 1; Orders = 3; Net = 199.99 },
            @{ Days = 90; Extra = 0; Orders = 5; Net = 500 }, @{ Days = 90; Extra = 1; Orders = 4; Net = 499.99 },
            @{ Days = 180; Extra = 0; Orders = 10; Net = 1000 }, @{ Days = 180; Extra = 1; Orders = 9; Net = 999.99 },
            @{ Days = 5; Extra = 0; Orders = 0; Net = 0 }, @{ Days = 400; Extra = 0; Orders = 2; Net = 75 }
        )
        $sql = [Text.StringBuilder]::new()
        $i = 0
        foreach ($c in $cases) {
            $i++
            $c.Id = '00000000-0000-4000-8000-{0:D12}' -f $i
            $at = $AsOf.AddDays(-$c.Days).AddSeconds(-$c.Extra)
            $c.At = $at
            [void]$sql.AppendLine("insert into customer_profiles (id, canonical_full_name) values ('$($c.Id)', 'Boundary $i');")
            [void]$sql.AppendLine("insert into customer_engagement_metrics (customer_id, lifetime_orders, lifetime_gross, lifetime_net, first_order_at, last_order_at) values ('$($c.Id)', $($c.Orders), $($c.Net), $($c.Net), '$($at.ToString('o'))', '$($at.ToString('o'))');")
        }
        $script:noMetrics = '00000000-0000-4000-8000-999999999999'
        [void]$sql.AppendLine("insert into customer_profiles (id, canonical_full_name) values ('$noMetrics', 'No Engagement Row');")
        Invoke-TestSql $sb $sql.ToString() | Out-Null
    }

    AfterAll {
        Invoke-TestSql $sb "delete from customer_profiles where canonical_full_name like 'Boundary %' or id = '$noMetrics'" | Out-Null
    }

    It 'the triggers scored them on insert' {
        Invoke-TestSql $sb "select count(*) from customer_profiles where (canonical_full_name like 'Boundary %' or id = '$noMetrics') and lead_score is null" | Should -Be '0'
        Invoke-TestSql $sb "select lead_score, rfm_recency, rfm_frequency, rfm_monetary from customer_profiles where id = '$noMetrics'" | Should -Be "6`t1`t1`t1"
    }

    It 'scores exactly 30/60/90/180 days and one second past, 0/1/3/5/10 orders, 49.99/50/200/500/1000 net' {
        $ids = @($cases.Id) + $noMetrics
        $ids | Update-CrmLeadScore -AsOf $AsOf -Confirm:$false | Out-Null
        foreach ($c in $cases) {
            $e = Get-ExpectedScore $c.At $c.Orders $c.Net $AsOf
            $got = Invoke-TestSql $sb "select lead_score, rfm_recency, rfm_frequency, rfm_monetary from customer_profiles where id = '$($c.Id)'"
            $got | Should -Be "$($e.Score)`t$($e.R)`t$($e.F)`t$($e.M)" -Because "$($c.Days) days + $($c.Extra) s, $($c.Orders) orders, net $($c.Net)"
        }
        (Get-ExpectedScore $AsOf.AddDays(-30) 1 50 $AsOf).R | Should -Be 5
        (Get-ExpectedScore $AsOf.AddDays(-30).AddSeconds(-1) 1 50 $AsOf).R | Should -Be 4
    }

    It 'rescoring an engagement change through the trigger (as of now)' {
        $c = $cases[0]
        Invoke-TestSql $sb "update customer_engagement_metrics set lifetime_orders = 12, lifetime_net = 5000, last_order_at = now() where customer_id = '$($c.Id)'" | Out-Null
        Invoke-TestSql $sb "select lead_score, rfm_recency, rfm_frequency, rfm_monetary from customer_profiles where id = '$($c.Id)'" | Should -Be "30`t5`t5`t5"
    }

    It 'rescoring a profile edit through the trigger, leaving score-only writes alone' {
        $c = $cases[1]
        Invoke-TestSql $sb "update customer_profiles set lead_score = null where id = '$($c.Id)'" | Out-Null
        Invoke-TestSql $sb "select lead_score is null from customer_profiles where id = '$($c.Id)'" | Should -Be 't'
        Invoke-TestSql $sb "update customer_profiles set phone = '+61 400 000 000' where id = '$($c.Id)'" | Out-Null
        Invoke-TestSql $sb "select lead_score is not null from customer_profiles where id = '$($c.Id)'" | Should -Be 't'
    }
}

Describe 'Timeline refresh' {
    It 'skips with a warning, not queued, while another session refreshes' {
        $holder = Start-TestSql $sb 'begin; refresh materialized view concurrently customer_activity_timeline; select pg_sleep(300); commit;'
        $holding = "select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'customer_activity_timeline' and l.mode = 'ExclusiveLock' and l.granted and l.pid <> pg_backend_pid()"
        try {
            Wait-Until -What 'the other session to hold the refresh lock' { (Invoke-TestSql $sb $holding) -eq '1' }
            $r = Invoke-CrmTimelineRefresh -WarningVariable warned -WarningAction SilentlyContinue
            # It returned while the other refresh still held its lock: it did not wait behind it.
            Invoke-TestSql $sb $holding | Should -Be '1'
            $r.Status | Should -Be 'Skipped'
            "$warned" | Should -Match 'customer_activity_timeline'
            (Get-CrmRefreshHistory customer_activity_timeline -Last 1).Status | Should -Be 'Skipped'
        }
        finally {
            Invoke-TestSql $sb "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'psql' and query like '%pg_sleep(300)%' and pid <> pg_backend_pid()" | Out-Null
            $holder.WaitForExit(10000) | Out-Null
        }
    }

    It '-WhatIf refreshes nothing and logs nothing' {
        $logged = Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_refresh_log'
        $populatedAt = Invoke-TestSql $sb "select xmin::text from pg_class where relname = 'customer_activity_timeline'"
        Invoke-CrmTimelineRefresh -WhatIf | Should -BeNullOrEmpty
        Invoke-CrmTimelineRefresh customer_activity_timeline, customer_marketing_export -WhatIf | Should -BeNullOrEmpty
        Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_refresh_log' | Should -Be $logged
        # A refresh (concurrent or not) rewrites the view's pg_class row; -WhatIf leaves it as it was.
        Invoke-TestSql $sb "select xmin::text from pg_class where relname = 'customer_activity_timeline'" | Should -Be $populatedAt
    }

    It 'takes -LockTimeout 2 as two seconds: fails with the lock-timeout error, naming the holder, while ANALYZE holds the view' {
        # ANALYZE takes SHARE UPDATE EXCLUSIVE, which conflicts with a concurrent refresh's EXCLUSIVE. It is maintenance,
        # not a refresh: the busy check does not skip for it; the refresh waits its lock timeout, then fails (issue 11).
        $holder = Start-TestSql $sb 'begin; analyze customer_activity_timeline; select pg_sleep(20); commit;'
        try {
            $deadline = (Get-Date).AddSeconds(15)
            while ((Invoke-TestSql $sb "select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'customer_activity_timeline' and l.mode = 'ShareUpdateExclusiveLock' and l.granted") -eq '0') {
                if ((Get-Date) -gt $deadline) { throw 'the ANALYZE session never took its lock' }
                Start-Sleep -Milliseconds 100
            }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            { Invoke-CrmTimelineRefresh -LockTimeout 2 -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.RefreshLockTimeout,*'
            $clock.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9 -Because '2 means two seconds, not two ticks'
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $Error[0].Exception.Message | Should -Match 'ShareUpdateExclusiveLock'
            (Get-CrmRefreshHistory customer_activity_timeline -Last 1).Status | Should -Be 'Failed'
        }
        finally {
            # Killing psql does not end its server session's sleep: end the session itself.
            Invoke-TestSql $sb "select pg_terminate_backend(pid) from pg_stat_activity where query like 'begin; analyze customer_activity_timeline%' and pid <> pg_backend_pid()" | Out-Null
            $holder.WaitForExit()
        }
    }

    It 'refuses -LockTimeout 0 and negative durations before doing anything (0 would mean wait forever)' {
        $before = Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_refresh_log'
        { Invoke-CrmTimelineRefresh -LockTimeout 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        { Invoke-CrmTimelineRefresh -LockTimeout -1 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        { Invoke-CrmTimelineRefresh -LockTimeout 00:00:00 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
        Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_refresh_log' | Should -Be $before
    }

    It 'logs every refresh, newest first, with rows before and after' {
        Invoke-CrmTimelineRefresh | Out-Null
        $h = Get-CrmRefreshHistory -Last 10
        $h.Count | Should -BeGreaterOrEqual 3
        $h[0].Status | Should -Be 'Succeeded'
        $h[0].RowsBefore | Should -Be 11825
        $h[0].RowsAfter | Should -Be 11825
        $h[0].StartedAt | Should -BeGreaterThan $h[1].StartedAt
    }

    It 'exits non-zero from a scheduled task when the refresh fails, with the error on stderr' {
        $r = Invoke-ChildPwsh -Environment @{ CRMOPS_CONNECTION = $sb.ConnectionString } -Script 'Import-Module ./CrmOps.psd1; Invoke-CrmTimelineRefresh -Name no_such_view'
        $r.ExitCode | Should -Not -Be 0
        $r.StdErr + $r.StdOut | Should -Match 'no_such_view'
        $ok = Invoke-ChildPwsh -Environment @{ CRMOPS_CONNECTION = $sb.ConnectionString } -Script 'Import-Module ./CrmOps.psd1; Invoke-CrmTimelineRefresh | Out-Null'
        $ok.ExitCode | Should -Be 0 -Because $ok.StdErr
    }

    It 'refuses -Concurrently on a view without a usable unique index' {
        Invoke-TestSql $sb 'create materialized view mv_no_key as select 1 as x' | Out-Null
        { Invoke-CrmTimelineRefresh mv_no_key -Concurrently -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.RefreshConcurrentlyImpossible,*'
        (Invoke-CrmTimelineRefresh mv_no_key).Mode | Should -Be 'Blocking'
    }
}

Describe 'Reports' {
    It 'lists the 20 hot leads best first, streamed as typed objects' {
        $hot = @(Get-CrmLeadSegment Hot)
        $hot | Should -HaveCount 20
        $hot[0] | Should -BeOfType ([CrmOps.CrmLead])
        $hot.Segment | Sort-Object -Unique | Should -Be 'Hot'
        for ($i = 1; $i -lt $hot.Count; $i++) {
            ($hot[$i - 1].LeadScore -gt $hot[$i].LeadScore -or ($hot[$i - 1].LeadScore -eq $hot[$i].LeadScore -and $hot[$i - 1].LifetimeNet -ge $hot[$i].LifetimeNet)) | Should -BeTrue
        }
        @(Get-CrmLeadSegment -Top 5) | Should -HaveCount 5
        @(Get-CrmLeadSegment Warm, Hot -MinScore 20).Count | Should -Be ([int](Invoke-TestSql $sb 'select count(*) from customer_profiles where lead_score >= 20'))
    }

    It 'pipes leads into the timeline, newest first' {
        $lead = Get-CrmLeadSegment -Top 1
        $acts = @($lead | Get-CrmCustomerTimeline)
        $acts.Count | Should -Be ([int](Invoke-TestSql $sb "select count(*) from customer_activity_timeline where customer_id = '$($lead.CustomerId)'"))
        $acts[0] | Should -BeOfType ([CrmOps.CrmActivity])
        $acts | ForEach-Object CustomerId | Sort-Object -Unique | Should -Be $lead.CustomerId
        for ($i = 1; $i -lt $acts.Count; $i++) { $acts[$i - 1].CreatedAt -ge $acts[$i].CreatedAt | Should -BeTrue }
        @($lead | Get-CrmCustomerTimeline -Last 1) | Should -HaveCount 1
    }

    It 'exports a clean CSV a marketing tool can import (round trip)' {
        $csv = Join-Path ([IO.Path]::GetTempPath()) "crmops-hot-$PID.csv"
        try {
            Get-CrmLeadSegment Hot | Export-Csv $csv
            $lines = Get-Content $csv
            $lines[0] | Should -Not -Match '^#TYPE'
            $lines[0] | Should -Be '"CustomerId","FullName","Email","LeadScore","Segment","Recency","Frequency","Monetary","LifetimeOrders","LifetimeNet","LastOrderAt","LastScoredAt","ScoredAsOf"'
            $rows = Import-Csv $csv
            $rows | Should -HaveCount 20
            $rows | ForEach-Object { $_.LastOrderAt | Should -Match '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$' }
            $fromDb = Invoke-TestSql $sb "select p.id, p.lead_score, e.email from customer_profiles p join customer_emails e on e.customer_id = p.id and e.is_primary where p.lead_score >= 24 order by p.id"
            ($rows | Sort-Object CustomerId | ForEach-Object { "$($_.CustomerId)`t$($_.LeadScore)`t$($_.Email)" }) | Should -Be $fromDb
        }
        finally { Remove-Item $csv -ErrorAction Ignore }
    }

    It '<Way> writes exactly the rows psql selects (<Case>)' -TestCases @(
        @{ Way = 'Get-CrmLeadSegment | Export-Csv'; Case = 'Hot and Warm'; Arguments = @{ Segment = 'Hot', 'Warm' }; Where = 'p.lead_score >= 18'; Limit = '' }
        @{ Way = 'Export-CrmLeadSegment'; Case = 'Hot and Warm'; Arguments = @{ Segment = 'Hot', 'Warm' }; Where = 'p.lead_score >= 18'; Limit = '' }
        @{ Way = 'Get-CrmLeadSegment | Export-Csv'; Case = '-MinScore 20 -Top 7'; Arguments = @{ MinScore = 20; Top = 7 }; Where = 'p.lead_score >= 20'; Limit = 'limit 7' }
        @{ Way = 'Export-CrmLeadSegment'; Case = '-MinScore 20 -Top 7'; Arguments = @{ MinScore = 20; Top = 7 }; Where = 'p.lead_score >= 20'; Limit = 'limit 7' }
        @{ Way = 'Export-CrmLeadSegment'; Case = 'Cool -Top 3'; Arguments = @{ Segment = 'Cool'; Top = 3 }; Where = 'p.lead_score between 12 and 17'; Limit = 'limit 3' }
    ) {
        $csv = Join-Path $TestDrive "leads-$([guid]::NewGuid().ToString('N')).csv"
        if ($Way -eq 'Export-CrmLeadSegment') {
            $file = Export-CrmLeadSegment $csv @Arguments
            $file.FullName | Should -Be $csv
        }
        else { Get-CrmLeadSegment @Arguments | Export-Csv $csv }
        (Get-Content $csv -TotalCount 1) -replace '"', '' | Should -Be 'CustomerId,FullName,Email,LeadScore,Segment,Recency,Frequency,Monetary,LifetimeOrders,LifetimeNet,LastOrderAt,LastScoredAt,ScoredAsOf'
        # The spec's selection and order (best score first, then the larger lifetime net), read by psql.
        $expected = Invoke-TestSql $sb @"
select concat_ws('|', p.id, p.canonical_full_name, coalesce(e.email, ''), p.lead_score,
       case when p.lead_score >= 24 then 'Hot' when p.lead_score >= 18 then 'Warm' when p.lead_score >= 12 then 'Cool' else 'Cold' end,
       p.rfm_recency, p.rfm_frequency, p.rfm_monetary, coalesce(m.lifetime_orders, 0), coalesce(m.lifetime_net, 0.00),
       coalesce(to_char(m.last_order_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
       coalesce(to_char(p.last_scored_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''))
  from customer_profiles p
  left join customer_emails e on e.customer_id = p.id and e.is_primary
  left join customer_engagement_metrics m on m.customer_id = p.id
 where $Where
 order by p.lead_score desc, m.lifetime_net desc nulls last, p.id
 $Limit
"@
        @($expected).Count | Should -BeGreaterThan 0
        $rows = Import-Csv $csv | ForEach-Object { ($_.CustomerId, $_.FullName, $_.Email, $_.LeadScore, $_.Segment, $_.Recency, $_.Frequency, $_.Monetary, $_.LifetimeOrders, $_.LifetimeNet, $_.LastOrderAt, $_.LastScoredAt) -join '|' }
        @($rows) | Should -Be @($expected)
        # ScoredAsOf says what LastScoredAt holds: the same instant.
        Import-Csv $csv | ForEach-Object { $_.ScoredAsOf | Should -Be $_.LastScoredAt }
    }

    It 'Export-CrmLeadSegment refuses an existing file, overwrites it with -Force, and writes nothing with -WhatIf' {
        $csv = Join-Path $TestDrive 'existing.csv'
        Set-Content $csv 'not leads'
        { Export-CrmLeadSegment $csv -Segment Hot -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ExportFileExists,*'
        Get-Content $csv -Raw | Should -Be "not leads$([Environment]::NewLine)"
        Export-CrmLeadSegment $csv -Segment Hot -Force -WhatIf | Should -BeNullOrEmpty
        Get-Content $csv -Raw | Should -Be "not leads$([Environment]::NewLine)"
        (Export-CrmLeadSegment $csv -Segment Hot -MinScore 25 -Top 4 -Force).FullName | Should -Be $csv
        (Import-Csv $csv).CustomerId | Should -Be @(Invoke-TestSql $sb 'select p.id from customer_profiles p left join customer_engagement_metrics m on m.customer_id = p.id where p.lead_score >= 25 order by p.lead_score desc, m.lifetime_net desc nulls last, p.id limit 4')
        $new = Join-Path $TestDrive 'never-written.csv'
        Export-CrmLeadSegment $new -WhatIf | Should -BeNullOrEmpty
        Test-Path $new | Should -BeFalse
        Test-Path "$new.partial" | Should -BeFalse
    }

    It 'an empty pipeline into Update-CrmLeadScore scores nobody' {
        $sum = Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_scoring_runs'
        @() | Update-CrmLeadScore -AsOf $AsOf.AddDays(300) -Confirm:$false
        Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_scoring_runs' | Should -Be $sum
    }
}

Describe 'Scoring yields to applications on a role that may not set deadlock_timeout' {
    BeforeAll {
        # Hosted Supabase's postgres may not set deadlock_timeout: the Supabase shape's own postgres (through the pooler,
        # as the suite connects); on vanilla PostgreSQL a non-superuser role with the least privileges docs/supabase.md
        # gives scoring.
        if ($sb.Supabase) { $script:yc = Connect-CrmDatabase $(if ($sb.PoolerConnectionString) { $sb.PoolerConnectionString } else { $sb.ConnectionString }) -NoDefault }
        else {
            Invoke-TestSql $sb @'
create role crm_yield login password 'Crm-Yield-Pa55';
grant usage on schema public, supabase_migrations to crm_yield;
grant select on all tables in schema public to crm_yield;
grant update (lead_score, rfm_recency, rfm_frequency, rfm_monetary, last_scored_at) on public.customer_profiles to crm_yield;
grant select, insert on supabase_migrations.crmops_scoring_runs to crm_yield;
grant select, insert, delete on supabase_migrations.crmops_score_changes to crm_yield;
'@ | Out-Null
            $script:yc = Connect-CrmDatabase "Host=127.0.0.1;Port=$($sb.Port);Username=crm_yield;Password=Crm-Yield-Pa55;Database=$($sb.Database)" -NoDefault
        }
        $script:yieldId = Invoke-TestSql $sb 'select customer_id from customer_engagement_metrics order by customer_id limit 1'
        $script:scoredRight = "select p.lead_score is not distinct from c.lead_score from customer_profiles p join customer_engagement_metrics m on m.customer_id = p.id cross join lateral lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, '2025-10-15') c where p.id = '$yieldId'"
        # An application holding the profile row (FOR UPDATE) for $Seconds; returns the psql process and its pid.
        function script:Start-RowHolder([int] $Seconds, [string] $Tag) {
            $p = Start-TestSql $sb "begin; select id from customer_profiles where id = '$yieldId' for update; select pg_sleep($Seconds) /* $Tag */; commit;"
            Wait-Until -What 'the row holder' { ($script:found = Invoke-TestSql $sb "select pid from pg_stat_activity where query like '%/* $Tag */%' and state = 'active' and pid <> pg_backend_pid()") -ne $null }
            [pscustomobject]@{ Process = $p; Pid = [int]$script:found }
        }
        function script:Stop-RowHolder([string] $Tag, $Holder) {
            Invoke-TestSql $sb "select pg_terminate_backend(pid) from pg_stat_activity where query like '%/* $Tag */%' and pid <> pg_backend_pid()" | Out-Null
            $Holder.Process.WaitForExit(10000) | Out-Null
        }
    }

    It 'the role may not set deadlock_timeout, and scoring says it yields by short lock waits' {
        $verbose = Update-CrmLeadScore -AsOf $AsOf -Connection $yc -Confirm:$false -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$verbose" | Should -Match 'yields to applications by short lock waits: role \S+ may not set deadlock_timeout'
    }

    It 'waits for a held row in short waits, retrying, and scores it once the application commits' {
        # The row needs a new score (a score-only write: the trigger leaves it alone), and an application holds it for 4 s.
        Invoke-TestSql $sb "update customer_profiles set lead_score = null where id = '$yieldId'" | Out-Null
        $holder = Start-RowHolder 4 'op-yield-hold'
        try {
            # Beside the run, how long each wait of a backend blocked by the holder has lasted, sampled every 50 ms for 3 s.
            $sampler = Start-TestSql $sb @"
do `$`$
declare longest float8 := 0; seen int := 0; w float8;
begin
  for i in 1..60 loop
    perform pg_stat_clear_snapshot();
    select max(extract(epoch from clock_timestamp() - a.state_change)) into w
      from pg_stat_activity a where a.wait_event_type = 'Lock' and $($holder.Pid) = any(pg_blocking_pids(a.pid));
    if w is not null then seen := seen + 1; longest := greatest(longest, w); end if;
    perform pg_sleep(0.05);
  end loop;
  raise notice 'yield-sample % %', seen, round(longest::numeric, 3);
end `$`$;
"@
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $r = Update-CrmLeadScore -Full -AsOf $AsOf -LockTimeout 10 -Connection $yc -Confirm:$false -ErrorAction Stop
            $clock.Stop()
            $sampler.WaitForExit(30000) | Should -BeTrue
            $holder.Process.WaitForExit(5000) | Should -BeTrue -Because 'the run finished only after the holder committed'
            $holder.Process.ExitCode | Should -Be 0 -Because "the application is never aborted: $($holder.Process.StandardError.ReadToEnd())"
        }
        finally { Stop-RowHolder 'op-yield-hold' $holder }
        $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 2 -Because 'the run waited for the holder'
        $r.Changed | Should -BeGreaterOrEqual 1
        Invoke-TestSql $sb $scoredRight | Should -Be 't' -Because 'the held row is scored'
        $notice = $sampler.StandardError.ReadToEnd()
        $notice | Should -Match 'yield-sample (\d+) ([\d.]+)'
        $null = $notice -match 'yield-sample (\d+) ([\d.]+)'
        [int]$Matches[1] | Should -BeGreaterThan 0 -Because 'the run was seen waiting for the holder'
        [double]$Matches[2] | Should -BeLessThan 0.9 -Because "each wait is short (50 ms; a wait of the whole -LockTimeout would last the holder's 4 s): $notice"
    }

    It 'gives up after -LockTimeout with ScoringLockTimeout naming the holder' {
        Invoke-TestSql $sb "update customer_profiles set lead_score = null where id = '$yieldId'" | Out-Null
        $holder = Start-RowHolder 20 'op-yield-long'
        try {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            { Update-CrmLeadScore -Full -AsOf $AsOf -LockTimeout 2 -Connection $yc -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ScoringLockTimeout,*'
            $clock.Stop()
            $m = $Error[0].Exception.Message
            $m | Should -Match 'gave up after waiting 2 s for a row of (public\.)?customer_profiles'
            $m | Should -Match "held by pid $($holder.Pid) \(user postgres, application 'psql'"
            $clock.Elapsed.TotalSeconds | Should -BeGreaterThan 1.8 -Because 'the run retried for its -LockTimeout'
            $holder.Process.HasExited | Should -BeFalse -Because 'the application keeps its transaction'
        }
        finally { Stop-RowHolder 'op-yield-long' $holder }
        # Once the holder is gone the row is scored.
        Update-CrmLeadScore -Full -AsOf $AsOf -Connection $yc -Confirm:$false -ErrorAction Stop | Out-Null
        Invoke-TestSql $sb $scoredRight | Should -Be 't'
    }
}
