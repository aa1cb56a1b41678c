#requires -Version 7.4
# The first hour (issue 14), part one, on one default sandbox in this order: scoring as of the sandbox's reference
# date and the as-of warnings (item 2), -WhatIf projections (3), dates users can script with (7), silence where a
# word is expected (8), recommendations that work when followed (5), lock diagnostics (6).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-CrmSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null

    # The segment counts of the stored scores, through psql.
    function script:Get-SegmentCounts {
        (Invoke-TestSql $sb @'
select count(*) filter (where lead_score >= 24), count(*) filter (where lead_score between 18 and 23),
       count(*) filter (where lead_score between 12 and 17), count(*) filter (where lead_score <= 11) from customer_profiles
'@) -split "`t" | ForEach-Object { [long] $_ }
    }
    # Runs a recommended command as written, in this scope (so that $sb in it means this sandbox).
    function script:Invoke-Recommendation([string] $Command) {
        $Command | Should -Not -BeNullOrEmpty
        Invoke-Expression $Command
    }
    function script:Wait-Lock([string] $Relation, [string] $Mode) {
        $deadline = (Get-Date).AddSeconds(20)
        while ((Invoke-TestSql $sb "select count(*) from pg_locks where relation = '$Relation'::regclass and mode = '$Mode' and granted and pid <> pg_backend_pid()") -eq '0') {
            if ((Get-Date) -gt $deadline) { throw "no session took $Mode on $Relation" }
            Start-Sleep -Milliseconds 100
        }
        Invoke-TestSql $sb "select pid from pg_locks where relation = '$Relation'::regclass and mode = '$Mode' and granted and pid <> pg_backend_pid() limit 1"
    }
    function script:Stop-Holder([string] $Marker, $Process) {
        Invoke-TestSql $sb "select pg_terminate_backend(pid) from pg_stat_activity where query like '%$Marker%' and pid <> pg_backend_pid()" | Out-Null
        $Process.WaitForExit()
    }
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Scoring as of the sandbox''s reference date (item 2)' {
    It 'the sandbox records 2025-10-15 in the database and on the object' {
        Invoke-TestSql $sb "select current_setting('crmops.reference_date')" | Should -Be '2025-10-15'
        $sb.ReferenceDate.ToString('yyyy-MM-dd') | Should -Be '2025-10-15'
    }

    It 'Update-CrmLeadScore without -AsOf scores as of it, says so, and gives the seed''s table' {
        $run = Update-CrmLeadScore -InformationVariable info -WarningVariable warned -Confirm:$false
        $run.AsOf | Should -Be ([DateTimeOffset]'2025-10-15T00:00:00Z')
        $run.Hot, $run.Warm, $run.Cool, $run.Cold | Should -Be @(20, 653, 1148, 7548)
        Get-SegmentCounts | Should -Be @(20, 653, 1148, 7548)
        ($info -join ' ') | Should -Match 'reference date.*-AsOf \(Get-Date\)'
        $warned | Should -BeNullOrEmpty
    }

    It 'warns when -AsOf is in the future and far after the newest order (<AsOf>)' -ForEach @(
        @{ AsOf = '2030-01-01'; Expected = @('in the future', 'no customer can be Hot') }
        @{ AsOf = 'today'; Expected = @('no customer can be Hot') }
        @{ AsOf = '2025-10-15'; Expected = @() }
    ) {
        $at = if ($AsOf -eq 'today') { [DateTimeOffset]::UtcNow } else { [DateTimeOffset]$AsOf }
        $null = Update-CrmLeadScore -AsOf $at -WhatIf -WarningVariable warned -WarningAction SilentlyContinue
        foreach ($e in $Expected) { ($warned -join "`n") | Should -Match $e }
        if ($Expected.Count -eq 0) { $warned | Should -BeNullOrEmpty }
        if ($AsOf -eq 'today') { ($warned -join ' ') | Should -Not -Match 'in the future' }
        if ($Expected.Count) { ($warned -join ' ') | Should -Match '-AsOf 2025-10-1\d' -Because 'the warning names a date near the data' }
    }

    It 'a Hot export that finds nobody says why and what to run, and that works' {
        Update-CrmLeadScore -AsOf ([DateTimeOffset]::UtcNow) -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        $csv = Join-Path $TestDrive 'hot-now.csv'
        Get-CrmLeadSegment -Segment Hot -InformationVariable info 6>$null | Export-Csv $csv
        (Get-Item $csv).Length | Should -Be 0
        $why = $info -join ' '
        $why | Should -Match 'No leads in Hot: the scores are as of .* days after the newest order .*no customer can be Hot'
        $fix = [regex]::Match($why, 'Update-CrmLeadScore -AsOf \d{4}-\d\d-\d\d$').Value
        $fix | Should -Not -BeNullOrEmpty
        Export-CrmLeadSegment (Join-Path $TestDrive 'hot-copy.csv') -Segment Hot -InformationVariable info2 6>$null | Out-Null
        ($info2 -join ' ') | Should -Match 'No leads in Hot.*header only'
        Invoke-Expression $fix | Out-Null
        @(Get-CrmLeadSegment -Segment Hot).Count | Should -BeGreaterThan 0
        Update-CrmLeadScore -AsOf 2025-10-15 -Full -Confirm:$false | Out-Null
        Get-SegmentCounts | Should -Be @(20, 653, 1148, 7548)
    }

    It 'on a database without a reference date, scores as of now and says nothing about it' {
        Invoke-TestSql $sb 'alter database crm reset crmops.reference_date' | Out-Null
        try {
            $plan = Update-CrmLeadScore -WhatIf -InformationVariable info -WarningAction SilentlyContinue
            ([DateTimeOffset]::UtcNow - $plan.AsOf).TotalMinutes | Should -BeLessThan 5
            ($info -join ' ') | Should -Not -Match 'reference date'
        }
        finally { Invoke-TestSql $sb "alter database crm set crmops.reference_date = '2025-10-15'" | Out-Null }
    }
}

Describe '-WhatIf shows what the run would produce (item 3)' {
    It 'projects the segment counts of -AsOf 2030-01-01, which the real run then produces' {
        $plan = Update-CrmLeadScore -AsOf 2030-01-01 -WhatIf -WarningAction SilentlyContinue
        Get-SegmentCounts | Should -Be @(20, 653, 1148, 7548) -Because 'a what-if run writes nothing'
        $run = Update-CrmLeadScore -AsOf 2030-01-01 -Confirm:$false -WarningAction SilentlyContinue
        $plan.Hot, $plan.Warm, $plan.Cool, $plan.Cold | Should -Be @($run.Hot, $run.Warm, $run.Cool, $run.Cold)
        $plan.Changed | Should -Be $run.Changed
        Get-SegmentCounts | Should -Be @($run.Hot, $run.Warm, $run.Cool, $run.Cold)
        $plan.Hot | Should -Not -Be 20 -Because 'the projection is not today''s table'
    }

    It 'projects a run on some customers: theirs rescored, everyone else as they are' {
        $ids = @(Invoke-TestSql $sb "select p.id from customer_profiles p join customer_engagement_metrics m on m.customer_id = p.id where m.last_order_at > '2025-08-01' order by p.id limit 50")
        $plan = $ids | Update-CrmLeadScore -AsOf 2025-10-15 -WhatIf
        $run = $ids | Update-CrmLeadScore -AsOf 2025-10-15 -Confirm:$false
        $plan.Customers | Should -Be 50
        $plan.Changed | Should -Be $run.Changed
        $plan.Changed | Should -BeGreaterThan 0
        $counts = Get-SegmentCounts
        $plan.Hot, $plan.Warm, $plan.Cool, $plan.Cold | Should -Be $counts
    }

    It 'says the projection in the what-if message' {
        $r = Invoke-ChildPwsh -Environment @{ CRMOPS_CONNECTION = $sb.ConnectionString } -Script 'Import-Module ./CrmOps.psd1; $PSStyle.OutputRendering = ''PlainText''; Update-CrmLeadScore -AsOf 2025-10-15 -WhatIf -WarningAction SilentlyContinue | Out-Null'
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdOut | Should -Match 'What if: .*afterwards Hot 20, Warm 653, Cool 1,148, Cold 7,548'
        Update-CrmLeadScore -AsOf 2025-10-15 -Full -Confirm:$false | Out-Null
        Get-SegmentCounts | Should -Be @(20, 653, 1148, 7548)
    }
}

Describe 'Dates users can script with (item 7)' {
    BeforeAll {
        $script:lead = Get-CrmLeadSegment Hot -Top 1
        $script:run = Update-CrmLeadScore -AsOf 2025-10-15 -WhatIf
    }

    It 'date properties take DateTimeOffset''s methods and properties' {
        $lead.LastScoredAt.AddDays(-30).ToString('yyyy-MM-dd') | Should -Be '2025-09-15'
        $lead.ScoredAsOf.Year | Should -Be 2025
        $lead.LastOrderAt.DayOfWeek | Should -BeOfType [DayOfWeek]
        $lead.LastOrderAt.ToUnixTimeSeconds() | Should -Be ([DateTimeOffset]$lead.LastOrderAt).ToUnixTimeSeconds()
        $run.AsOf.AddHours(1).Hour | Should -Be 1
    }

    It 'they compare and subtract with dates, date strings and Get-Date, and convert like dates' {
        $lead.LastOrderAt -lt (Get-Date) | Should -BeTrue
        $lead.LastOrderAt -gt '2025-01-01' | Should -BeTrue
        $lead.LastOrderAt -le $lead.ScoredAsOf | Should -BeTrue
        ($lead.ScoredAsOf - $lead.LastOrderAt) | Should -BeOfType [TimeSpan]
        ((Get-Date) - $lead.LastOrderAt).TotalDays | Should -BeGreaterThan 0
        (Get-Date -Date $lead.LastOrderAt) | Should -BeOfType [datetime]
        ([datetime]$lead.ScoredAsOf).ToString('yyyy-MM-dd') | Should -Be '2025-10-15'
        ([datetimeoffset]$lead.ScoredAsOf).Offset | Should -Be ([TimeSpan]::Zero)
        $lead.ScoredAsOf -eq [DateTimeOffset]'2025-10-15T00:00:00Z' | Should -BeTrue
        New-TimeSpan -Start $lead.LastOrderAt -End $lead.ScoredAsOf | Should -BeOfType [TimeSpan]
    }

    It 'they sort as dates' {
        $leads = Get-CrmLeadSegment Hot
        $sorted = $leads | Sort-Object LastOrderAt
        for ($i = 1; $i -lt $sorted.Count; $i++) { $sorted[$i - 1].LastOrderAt.UtcTicks | Should -BeLessOrEqual $sorted[$i].LastOrderAt.UtcTicks }
        ($leads | Where-Object { $_.LastOrderAt -ge $_.ScoredAsOf.AddDays(-30) }).Count | Should -Be ([int](Invoke-TestSql $sb "select count(*) from customer_profiles p join customer_engagement_metrics m on m.customer_id = p.id where p.lead_score >= 24 and m.last_order_at >= timestamptz '2025-10-15' - interval '30 days'"))
    }

    It 'they show and interpolate as ISO 8601, never in the culture''s format' {
        "$($run.AsOf)" | Should -Be '2025-10-15T00:00:00Z'
        ($run.AsOf | Out-String).Trim() | Should -Be '2025-10-15T00:00:00Z'
        ($run | Format-Table AsOf | Out-String) | Should -Match '2025-10-15T00:00:00Z'
        ($lead.LastOrderAt.AddDays(1) | Out-String).Trim() | Should -Match '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$'
    }

    It 'Export-Csv writes ISO 8601 under another culture (de-DE), for every date column' {
        $csv = Join-Path $TestDrive 'leads-de.csv'
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            Get-CrmLeadSegment Hot | Export-Csv $csv
            Get-CrmRefreshHistory -Last 1 | Export-Csv (Join-Path $TestDrive 'refresh-de.csv')
        }
        finally { [cultureinfo]::CurrentCulture = $culture }
        $rows = Import-Csv $csv
        $rows | Should -HaveCount 20
        foreach ($r in $rows) {
            $r.LastOrderAt | Should -Match '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$'
            $r.LastScoredAt | Should -Be '2025-10-15T00:00:00Z'
            $r.ScoredAsOf | Should -Be $r.LastScoredAt
        }
        (Import-Csv (Join-Path $TestDrive 'refresh-de.csv')).StartedAt | Should -Match '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$'
    }
}

Describe 'A word where silence would puzzle (item 8)' {
    It 'Invoke-CrmMigration with nothing pending says so, with and without -WhatIf, and returns nothing' {
        foreach ($whatIf in $true, $false) {
            $r = Invoke-CrmMigration -BuiltIn -WhatIf:$whatIf -InformationVariable info -Confirm:$false 6>$null
            $r | Should -BeNullOrEmpty
            ($info -join ' ') | Should -Match 'Nothing to apply: every migration in .* is already applied'
        }
    }

    It 'the word is shown by default (like Write-Host) and stays out of captured output' {
        $r = Invoke-ChildPwsh -Environment @{ CRMOPS_CONNECTION = $sb.ConnectionString } -Script 'Import-Module ./CrmOps.psd1; $x = Invoke-CrmMigration -BuiltIn -WhatIf; "captured $(@($x).Count)"'
        $r.StdOut | Should -Match 'Nothing to apply'
        $r.StdOut | Should -Match 'captured 0'
    }

    It 'Undo-CrmMigration with nothing to roll back warns, with and without -WhatIf, and returns nothing' {
        foreach ($whatIf in $true, $false) {
            $newest = (Get-BuiltInMigrations)[-1].Version
            $r = Undo-CrmMigration -BuiltIn -Target $newest -WhatIf:$whatIf -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            ($warned -join ' ') | Should -Match "Nothing to roll back: no migration of .* newer than $newest is applied"
        }
        (Get-CrmMigration -BuiltIn).State | Should -Be @(Get-BuiltInMigrations | ForEach-Object { 'Applied' })
    }
}

Describe 'Recommendations that work when followed (item 5)' {
    BeforeEach {
        $script:failed = $null
    }

    It 'a refresh of a mistyped view: did you mean, and the corrected command' {
        Invoke-CrmTimelineRefresh customer_activty_timeline -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ObjectNotFound*'
        $err[0].Exception.Message | Should -Match "Did you mean 'customer_activity_timeline'"
        $err[0].ErrorDetails.RecommendedAction | Should -Be 'Invoke-CrmTimelineRefresh customer_activity_timeline'
        (Invoke-Recommendation $err[0].ErrorDetails.RecommendedAction).Status | Should -Be 'Succeeded'
    }

    It 'the activity timeline dropped by hand: the check leads to a restore that works, not to an apply that does nothing' {
        Invoke-TestSql $sb 'drop materialized view customer_activity_timeline' | Out-Null
        $check = Test-CrmDatabase | Where-Object Check -EQ 'TimelineExists'
        $check.Passed | Should -BeFalse
        $check.RecommendedAction | Should -Not -Be 'Invoke-CrmMigration -BuiltIn' -Because 'the migration is recorded as applied: that would do nothing'
        $check.Message | Should -Match 'recorded as applied'
        $check.Message | Should -Match ([regex]::Escape($check.RecommendedAction))
        $refresh = { Invoke-CrmTimelineRefresh -ErrorAction Stop }
        $refresh | Should -Throw -ExpectedMessage "*$($check.RecommendedAction)*"
        Invoke-Recommendation $check.RecommendedAction | Out-Null
        (Test-CrmDatabase | Where-Object Check -EQ 'TimelineExists').Passed | Should -BeTrue
        (Test-CrmDatabase | Where-Object Check -EQ 'TimelineCoverage').Passed | Should -BeTrue
        (Get-CrmMigration -BuiltIn).State | Should -Be @(Get-BuiltInMigrations | ForEach-Object { 'Applied' })
    }

    It 'lead scoring partly dropped by hand: the restore works and rescored' {
        Invoke-TestSql $sb 'alter table customer_profiles drop column lead_score' | Out-Null
        $check = Test-CrmDatabase | Where-Object Check -EQ 'EveryProfileScored'
        $check.Passed | Should -BeFalse
        { Update-CrmLeadScore -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ScoringNotInstalled,*'
        $Error[0].ErrorDetails.RecommendedAction | Should -Be $check.RecommendedAction
        Invoke-Recommendation $check.RecommendedAction 6>$null | Out-Null
        $after = Test-CrmDatabase
        foreach ($c in $after) { $c.Passed | Should -BeTrue -Because "$($c.Check): $($c.Message)" }
        Get-SegmentCounts | Should -Be @(20, 653, 1148, 7548)
    }

    It 'a never-populated timeline: refresh it' {
        Invoke-TestSql $sb 'refresh materialized view customer_activity_timeline with no data' | Out-Null
        $check = Test-CrmDatabase | Where-Object Check -EQ 'TimelineExists'
        $check.Passed | Should -BeFalse
        $check.RecommendedAction | Should -Be 'Invoke-CrmTimelineRefresh'
        Invoke-Recommendation $check.RecommendedAction | Out-Null
        (Test-CrmDatabase | Where-Object Check -EQ 'TimelineExists').Passed | Should -BeTrue
    }

    It 'a timeline behind a new order, a marketing export behind a new profile: refresh each' {
        $email = Invoke-TestSql $sb 'select email from customer_emails order by id limit 1'
        Invoke-TestSql $sb "insert into orders_htx (order_id, event_id, event_name, email, total_amount, status, created_at) values ('fh-1', 'e1', 'First Hour', '$email', 10, 'completed', '2025-10-01'); insert into customer_profiles (canonical_full_name) values ('First Hour Tester');" | Out-Null
        try {
            $checks = Test-CrmDatabase
            foreach ($name in 'TimelineCoverage', 'MarketingExportFresh') {
                $c = $checks | Where-Object Check -EQ $name
                $c.Passed | Should -BeFalse -Because $name
                Invoke-Recommendation $c.RecommendedAction 3>$null | Out-Null
                (Test-CrmDatabase | Where-Object Check -EQ $name).Passed | Should -BeTrue -Because "following '$($c.RecommendedAction)' fixes $name"
            }
        }
        finally {
            Invoke-TestSql $sb "delete from orders_htx where order_id = 'fh-1'; delete from customer_profiles where canonical_full_name = 'First Hour Tester';" | Out-Null
            Invoke-CrmTimelineRefresh customer_activity_timeline, customer_marketing_export | Out-Null
        }
    }

    It 'unscored profiles and hand-edited scores: score (everyone, for a hand edit)' {
        Invoke-TestSql $sb 'update customer_profiles set lead_score = null where id in (select id from customer_profiles order by id limit 3)' | Out-Null
        $c = Test-CrmDatabase | Where-Object Check -EQ 'EveryProfileScored'
        $c.Passed | Should -BeFalse
        Invoke-Recommendation $c.RecommendedAction 6>$null | Out-Null
        (Test-CrmDatabase | Where-Object Check -EQ 'EveryProfileScored').Passed | Should -BeTrue

        Invoke-TestSql $sb 'update customer_profiles set lead_score = 30, rfm_recency = 5, rfm_frequency = 5, rfm_monetary = 5 where id in (select id from customer_profiles order by id desc limit 3)' | Out-Null
        $c = Test-CrmDatabase | Where-Object Check -EQ 'ScoresConsistent'
        $c.Passed | Should -BeFalse
        $c.RecommendedAction | Should -Be 'Update-CrmLeadScore -Full' -Because 'a targeted run would not look at hand-edited rows'
        Invoke-Recommendation $c.RecommendedAction 6>$null | Out-Null
        (Test-CrmDatabase | Where-Object Check -EQ 'ScoresConsistent').Passed | Should -BeTrue
    }

    It 'a stale refresh and stale scores: run them now' {
        Start-Sleep -Seconds 6
        $checks = Test-CrmDatabase -MaxRefreshAge 5 -MaxScoreAge 5
        foreach ($name in 'TimelineFresh', 'ScoresCurrent') {
            $c = $checks | Where-Object Check -EQ $name
            $c.Passed | Should -BeFalse -Because $name
            $c.Expected | Should -BeIn 'refreshed within 5 seconds', 'scored within 5 seconds' -Because 'durations in words, not 00:00:05'
            Invoke-Recommendation $c.RecommendedAction 6>$null | Out-Null
            (Test-CrmDatabase -MaxRefreshAge 5 -MaxScoreAge 5 | Where-Object Check -EQ $name).Passed | Should -BeTrue
        }
    }

    It 'carries -Connection as the user gave it, and the command then works without a session default' {
        Invoke-TestSql $sb 'refresh materialized view customer_activity_timeline with no data' | Out-Null
        $conn = $sb
        Disconnect-CrmDatabase
        try {
            $c = Test-CrmDatabase -Connection $conn | Where-Object Check -EQ 'TimelineExists'
            $c.RecommendedAction | Should -Be 'Invoke-CrmTimelineRefresh -Connection $conn'
            $c.Message | Should -Match ([regex]::Escape('Invoke-CrmTimelineRefresh -Connection $conn'))
            (Invoke-Recommendation $c.RecommendedAction).Status | Should -Be 'Succeeded'
            Get-CrmRowCount customer_profile -Connection $conn -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].ErrorDetails.RecommendedAction | Should -Be 'Get-CrmRowCount customer_profiles -Connection $conn'
            (Invoke-Recommendation $err[0].ErrorDetails.RecommendedAction).Table | Should -Be 'customer_profiles'
            Invoke-CrmTimelineRefresh no_such_view -Connection $sb.ConnectionString -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].ErrorDetails.RecommendedAction | Should -Be 'Get-CrmDbObject -Schema public -Connection $sb.ConnectionString'
            # A connection string typed on the command line is repeated as typed (it holds no password).
            Invoke-Expression "Invoke-CrmTimelineRefresh no_such_view -Connection '$($sb.ConnectionString)' -ErrorVariable err -ErrorAction SilentlyContinue"
            $err[0].ErrorDetails.RecommendedAction | Should -Be "Get-CrmDbObject -Schema public -Connection '$($sb.ConnectionString)'"
            (Invoke-Recommendation $err[0].ErrorDetails.RecommendedAction).Name | Should -Contain 'customer_profiles'
        }
        finally { Connect-CrmDatabase $sb.ConnectionString | Out-Null }
    }
}

Describe 'Lock diagnostics name the relation waited for and its holder (item 6)' {
    It 'refresh: the table behind the view, held by psql' {
        $holder = Start-TestSql $sb 'begin; lock table orders_htx in access exclusive mode; select pg_sleep(30) /* fh-refresh */; commit;'
        try {
            $holderPid = Wait-Lock 'orders_htx' 'AccessExclusiveLock'
            { Invoke-CrmTimelineRefresh -LockTimeout 2 -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.RefreshLockTimeout,*'
            $m = $Error[0].Exception.Message
            $m | Should -Match 'AccessShareLock on (public\.)?orders_htx'
            $m | Should -Match "held by pid $holderPid \(user postgres, application 'psql', active, transaction open \d+ s, holding AccessExclusiveLock"
            $m | Should -Not -Match 'has finished since'
            (Get-CrmRefreshHistory -Last 1).Message | Should -Match 'orders_htx'
        }
        finally { Stop-Holder 'fh-refresh' $holder }
    }

    It 'scoring: customer_profiles, held by psql' {
        $holder = Start-TestSql $sb 'begin; lock table customer_profiles in share mode; select pg_sleep(30) /* fh-score */; commit;'
        try {
            $holderPid = Wait-Lock 'customer_profiles' 'ShareLock'
            { Update-CrmLeadScore -AsOf 2025-10-15 -Full -LockTimeout 2 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ScoringLockTimeout,*'
            $m = $Error[0].Exception.Message
            $m | Should -Match 'RowExclusiveLock on (public\.)?customer_profiles'
            $m | Should -Match "held by pid $holderPid \(user postgres, application 'psql'"
        }
        finally { Stop-Holder 'fh-score' $holder }
    }

    It 'migrations: a view over a locked view, which the migration''s touched tables do not list' {
        $dir = Join-Path $TestDrive 'lockmig'
        New-Item -ItemType Directory -Force (Join-Path $dir 'migrations'), (Join-Path $dir 'rollbacks') | Out-Null
        Set-Content (Join-Path $dir 'migrations/20990101000000_order_counts.sql') 'create view order_counts as select count(*) as n from customer_orders_v;'
        Set-Content (Join-Path $dir 'rollbacks/20990101000000_order_counts.sql') 'drop view order_counts;'
        $holder = Start-TestSql $sb 'begin; lock table customer_orders_v in access exclusive mode; select pg_sleep(30) /* fh-mig */; commit;'
        try {
            $holderPid = Wait-Lock 'customer_orders_v' 'AccessExclusiveLock'
            { Invoke-CrmMigration -Path $dir -LockTimeout 2 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.MigrationLockTimeout,*'
            $m = $Error[0].Exception.Message
            $m | Should -Match 'AccessShareLock on (public\.)?customer_orders_v'
            $m | Should -Match "held by pid $holderPid \(user postgres, application 'psql'"
            Invoke-TestSql $sb "select to_regclass('order_counts') is null" | Should -Be 't'
        }
        finally { Stop-Holder 'fh-mig' $holder }
    }
}
