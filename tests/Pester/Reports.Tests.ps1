#requires -Version 7.4
# Reports people look at (issue 20): score changes recorded by the scoring statement itself, who moved
# between segments (Get-CrmLeadMovement), segment sizes over time (Get-CrmLeadScoreTrend) and the
# self-contained HTML report (Export-CrmLeadReport), loaded in a real headless Chromium. psql is the
# oracle: the expected movements come from comparing two saved scorings in SQL, not from the change log.

BeforeDiscovery {
    # Debian's chromium, which .ci/run installs: without it the browser tests are skipped on a developer
    # machine, and fail in CI.
    $script:noChromium = -not (Get-Command chromium -ErrorAction Ignore) -and -not $env:CI
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-CrmSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    $script:work = Join-Path ([IO.Path]::GetTempPath()) "crmops-reports-$PID"
    New-Item -ItemType Directory -Force $work | Out-Null
    function script:Sql([string] $Query) { Invoke-TestSql $script:sb $Query }
    function script:Segment([string] $Column) {
        "case when $Column >= 24 then 'Hot' when $Column >= 18 then 'Warm' when $Column >= 12 then 'Cool' when $Column is not null then 'Cold' end"
    }
    function script:Save-Scores([string] $Table) {
        Sql "drop table if exists $Table; create table $Table as select id, lead_score from public.customer_profiles" | Out-Null
    }
    # Headless Chromium with the flags that work in a container, a fresh profile each time.
    function script:Invoke-Chromium([string[]] $Arguments) {
        $profile = Join-Path $work "chromium-$([guid]::NewGuid().ToString('n'))"
        $common = '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                  '--disable-component-update', '--disable-sync', '--hide-scrollbars', "--user-data-dir=$profile"
        $out = & chromium @common @Arguments 2>$null
        $LASTEXITCODE | Should -Be 0 -Because "chromium $Arguments"
        $out -join "`n"
    }

    # The sample CRM scored as of 2025-10-01, then as of 2025-10-15 (a targeted run), each scoring saved.
    $script:first = Update-CrmLeadScore -AsOf 2025-10-01 -Full -Confirm:$false
    Save-Scores scores_oct01
    $script:second = Update-CrmLeadScore -AsOf 2025-10-15 -Confirm:$false
    Save-Scores scores_oct15
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
    if ($script:work) { Remove-Item -Recurse -Force $script:work -ErrorAction Ignore }
}

Describe 'Score changes are recorded by the scoring run' {
    It 'the second run records one row per changed score, old and new as the two saved scorings say' {
        $second.Mode | Should -Be 'Targeted'
        $changedInSql = [int](Sql 'select count(*) from scores_oct01 a join scores_oct15 b using (id) where a.lead_score is distinct from b.lead_score')
        $changedInSql | Should -BeGreaterThan 100
        $second.Changed | Should -Be $changedInSql
        $run = "select run_started from supabase_migrations.crmops_score_changes where as_of = '2025-10-15T00:00:00Z'"
        [int](Sql "select count(*) from supabase_migrations.crmops_score_changes where as_of = '2025-10-15T00:00:00Z'") | Should -Be $changedInSql
        # Every change row says exactly what the saved scorings say.
        [int](Sql "select count(*) from supabase_migrations.crmops_score_changes c join scores_oct01 a on a.id = c.customer_id join scores_oct15 b on b.id = c.customer_id
                    where c.as_of = '2025-10-15T00:00:00Z' and c.old_score = a.lead_score and c.new_score = b.lead_score
                      and c.old_segment = $(Segment 'a.lead_score') and c.new_segment = $(Segment 'b.lead_score')") | Should -Be $changedInSql
        [int](Sql "select count(distinct run_started) from supabase_migrations.crmops_score_changes where as_of = '2025-10-15T00:00:00Z'") | Should -Be 1
        [int](Sql "select count(*) from supabase_migrations.crmops_score_changes where as_of = '2025-10-01T00:00:00Z'") | Should -Be $first.Changed
    }

    It 'a run that changes nothing records nothing' {
        $before = [int](Sql 'select count(*) from supabase_migrations.crmops_score_changes')
        $again = Update-CrmLeadScore -AsOf 2025-10-15 -Confirm:$false
        $again.Changed | Should -Be 0
        [int](Sql 'select count(*) from supabase_migrations.crmops_score_changes') | Should -Be $before
    }

    It 'changes recorded more than -KeepDays days ago are pruned by the next run, newer ones stay' {
        Sql "create table changes_backup as table supabase_migrations.crmops_score_changes;
             update supabase_migrations.crmops_score_changes set run_started = run_started - interval '30 days' where as_of = '2025-10-01T00:00:00Z'" | Out-Null
        try {
            $kept = [int](Sql "select count(*) from supabase_migrations.crmops_score_changes where as_of = '2025-10-15T00:00:00Z'")
            Update-CrmLeadScore -AsOf 2025-10-15 -KeepDays 400 -Confirm:$false | Out-Null
            [int](Sql "select count(*) from supabase_migrations.crmops_score_changes where as_of = '2025-10-01T00:00:00Z'") | Should -Be $first.Changed -Because '30 days is within 400'
            Update-CrmLeadScore -AsOf 2025-10-15 -KeepDays 20 -Confirm:$false | Out-Null
            [int](Sql "select count(*) from supabase_migrations.crmops_score_changes where as_of = '2025-10-01T00:00:00Z'") | Should -Be 0
            [int](Sql "select count(*) from supabase_migrations.crmops_score_changes where as_of = '2025-10-15T00:00:00Z'") | Should -Be $kept
        }
        finally {
            Sql 'truncate supabase_migrations.crmops_score_changes; insert into supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
                 select run_started, as_of, customer_id, old_score, new_score from changes_backup; drop table changes_backup' | Out-Null
        }
    }

    It '-KeepDays out of range is refused before anything runs' {
        { Update-CrmLeadScore -KeepDays 0 -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}

Describe 'Get-CrmLeadMovement' {
    BeforeAll {
        # The oracle: customers whose segment differs between the two saved scorings.
        $script:expected = @(Sql "select a.id, $(Segment 'a.lead_score'), $(Segment 'b.lead_score') from scores_oct01 a join scores_oct15 b using (id)
                                   where $(Segment 'a.lead_score') is distinct from $(Segment 'b.lead_score') order by a.id")
        $script:moved = @(Get-CrmLeadMovement -Since 2025-10-01)
    }

    It 'returns exactly the customers whose segment differs between the two scorings, with both segments and scores' {
        $expected.Count | Should -BeGreaterThan 50
        $actual = @($moved | Sort-Object { $_.CustomerId.ToString() } | ForEach-Object { "$($_.CustomerId)`t$($_.FromSegment)`t$($_.ToSegment)" })
        $actual | Should -Be $expected
        $moved[0] | Should -BeOfType CrmOps.CrmLeadMovement
        @($moved | Where-Object { $_.Since -ne [DateTimeOffset]'2025-10-01T00:00:00Z' }) | Should -HaveCount 0
        @($moved | Where-Object { $_.ChangedAsOf -ne [DateTimeOffset]'2025-10-15T00:00:00Z' }) | Should -HaveCount 0
        $one = $moved | Select-Object -First 1
        Sql "select lead_score from scores_oct01 where id = '$($one.CustomerId)'" | Should -Be $one.FromScore
        Sql "select lead_score from scores_oct15 where id = '$($one.CustomerId)'" | Should -Be $one.ToScore
    }

    It '-From and -To filter on the segment then and now (<From> -> <To>)' -TestCases @(
        @{ From = 'Warm'; To = 'Cool' }
        @{ From = 'Hot'; To = 'Warm' }
    ) {
        $want = @($expected | Where-Object { ($_ -split "`t")[1] -eq $From -and ($_ -split "`t")[2] -eq $To } | ForEach-Object { ($_ -split "`t")[0] })
        $want.Count | Should -BeGreaterThan 0
        $got = @(Get-CrmLeadMovement -Since 2025-10-01 -From $From -To $To | ForEach-Object { $_.CustomerId.ToString() } | Sort-Object)
        $got | Should -Be $want
    }

    It 'takes a run from Get-CrmScoringHistory as -Since; after the latest run nothing has moved' {
        $run = Get-CrmScoringHistory | Where-Object { $_.AsOf -eq [DateTimeOffset]'2025-10-01T00:00:00Z' }
        @($run | Get-CrmLeadMovement).Count | Should -Be $expected.Count
        @(Get-CrmLeadMovement -Since 2025-10-15).Count | Should -Be 0
        # A date before every run: every recorded change counts, against the score before the first run.
        @(Get-CrmLeadMovement -Since 2020-01-01).Count | Should -BeGreaterThan 0
    }

    It 'pipes into Get-CrmCustomerTimeline by CustomerId and into Export-Csv' {
        $few = $moved | Select-Object -First 3
        $activity = @($few | Get-CrmCustomerTimeline -Last 1)
        @($activity.CustomerId | Sort-Object -Unique) | Should -Be @($few.CustomerId | Sort-Object -Unique)
        $csv = Join-Path $work 'moved.csv'
        Get-CrmLeadMovement -Since 2025-10-01 | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be $expected.Count
        ($rows | Select-Object -First 1).PSObject.Properties.Name | Should -Contain 'ToSegment'
    }

    It 'a value that is neither a date nor a run is a clear error' {
        $err = $null
        Get-CrmLeadMovement -Since 'not a date' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.SinceNotADateOrRun*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }
}

Describe 'Get-CrmLeadScoreTrend' {
    It 'one point per day with a run: segment sizes of the last run of the day, and the change since the point before' {
        $trend = @(Get-CrmLeadScoreTrend -Since 2025-09-01)
        $trend | Should -HaveCount 8
        $trend[0] | Should -BeOfType CrmOps.CrmSegmentTrend
        $rows = Sql "select hot, warm, cool, cold from supabase_migrations.crmops_scoring_runs where as_of = '2025-10-15T00:00:00Z' order by started_at desc limit 1"
        $h, $w, $c, $k = $rows -split "`t"
        ($trend | Where-Object { $_.Date -eq [datetime]'2025-10-15' -and $_.Segment -eq 'Hot' }).Customers | Should -Be $h
        ($trend | Where-Object { $_.Date -eq [datetime]'2025-10-15' -and $_.Segment -eq 'Cold' }).Customers | Should -Be $k
        $hot = @($trend | Where-Object Segment -EQ Hot)
        $hot[0].Change | Should -BeNullOrEmpty
        $hot[1].Change | Should -Be ($hot[1].Customers - $hot[0].Customers)
        ($trend | Where-Object { $_.Date -eq [datetime]'2025-10-15' } | Measure-Object Customers -Sum).Sum | Should -Be 9369
    }

    It '-Interval Month gives one point for October' {
        $month = @(Get-CrmLeadScoreTrend -Since 2025-09-01 -Interval Month)
        $month | Should -HaveCount 4
        @($month.Date | Sort-Object -Unique) | Should -Be @([datetime]'2025-10-01')
        $month[0].Change | Should -BeNullOrEmpty
    }
}

Describe 'Export-CrmLeadReport' {
    BeforeAll {
        # Names that must be escaped: a script tag, apostrophes and non-ASCII, on the top lead.
        $script:top = Get-CrmLeadSegment -Top 1
        $script:evil = "<script>alert('x')</script> O'Brien Zoë Nguyễn"
        # Without the triggers (replica role): the profile trigger would rescore the customer as of now.
        Sql "set session_replication_role = replica; update public.customer_profiles set canonical_full_name = '$($evil -replace "'", "''")' where id = '$($top.CustomerId)'" | Out-Null
        $script:path = Join-Path $work 'report.html'
        $script:file = Export-CrmLeadReport -Path $path -Since 2025-10-01 -Top 25 -Confirm:$false
        $script:html = Get-Content -Raw $path
    }

    It 'writes one file and returns it' {
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be (Resolve-Path $path).Path
        $file.Length | Should -BeGreaterThan 10000
    }

    It 'is self-contained: no src or href at all, no URL, no script' {
        $html | Should -Not -Match '\s(src|href)\s*='
        $html | Should -Not -Match 'https?://|//[a-z0-9.-]+\.[a-z]{2,}/'
        $html | Should -Not -Match '<script'
        $html | Should -Match "default-src 'none'"
    }

    It 'escapes names: the script tag is text, apostrophes and non-ASCII survive' {
        $html | Should -Match ([regex]::Escape('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; O&#39;Brien Zoë Nguyễn'))
    }

    It 'names the host and the database, never the user or a password' {
        $html | Should -Match ([regex]::Escape("$($sb.Database)</strong> on 127.0.0.1:$($sb.Port)"))
        $html | Should -Not -Match '(?i)password|username|user id'
    }

    It 'an existing file is kept unless -Force; -WhatIf writes nothing' {
        { Export-CrmLeadReport -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ReportFileExists*'
        $other = Join-Path $work 'whatif.html'
        Export-CrmLeadReport -Path $other -WhatIf
        Test-Path $other | Should -BeFalse
    }

    It '-AsOf ends the trend there (one day as of 2025-10-01); -Force overwrites the file' {
        $early = Export-CrmLeadReport -Path $path -AsOf 2025-10-01T12:00:00Z -Since 2025-10-01 -Top 5 -Force -Confirm:$false
        $text = Get-Content -Raw $early.FullName
        [regex]::Matches($text, '<circle class="point"').Count | Should -Be 4
        $text | Should -Match '2025-10-01</td>'
        $text | Should -Not -Match '2025-10-15</td><td class="n">'
        [regex]::Matches(([regex]::Match($text, '<table id="table-top-leads"[\s\S]*?</table>').Value), '<tr>').Count | Should -Be 6
        # Put back the report the other tests read.
        Export-CrmLeadReport -Path $path -Since 2025-10-01 -Top 25 -Force -Confirm:$false | Out-Null
    }

    It 'the numbers in the page are the commands'' numbers' {
        foreach ($s in Get-CrmLeadScoreDistribution) {
            $html | Should -Match ('data-label="{0}" data-value="{1}"' -f $s.Segment, $s.Customers)
        }
        foreach ($row in Sql 'select lead_score, count(*) from public.customer_profiles group by 1') {
            $score, $n = $row -split "`t"
            $html | Should -Match ('data-score="{0}" data-value="{1}"' -f $score, $n)
        }
        $slipping = @(Get-CrmLeadMovement -Since 2025-10-01 | Where-Object Direction -EQ Down).Count
        $html | Should -Match ('{0:N0} customers moved to a lower segment' -f $slipping)
    }
}

Describe 'The report in a real browser (headless Chromium)' -Skip:$noChromium {
    BeforeAll {
        if (-not (Get-Command chromium -ErrorAction Ignore)) { throw 'chromium is not installed: apt-get install -y chromium' }
        $script:dom = Invoke-Chromium @('--dump-dom', "file://$path")
        function script:Get-Part([string] $Id) {
            $m = [regex]::Match($dom, "<(svg|table)[^>]*id=`"$Id`"[\s\S]*?</\1>")
            $m.Success | Should -BeTrue -Because "the page has #$Id"
            $m.Value
        }
    }

    It 'renders the charts with the expected elements: 4 segment bars, 25 score bars, 4 trend lines of 2 points' {
        [regex]::Matches((Get-Part 'chart-segments'), '<rect class="bar"').Count | Should -Be 4
        [regex]::Matches((Get-Part 'chart-histogram'), '<rect class="bar"').Count | Should -Be 25
        $trend = Get-Part 'chart-trend'
        [regex]::Matches($trend, '<polyline class="line"').Count | Should -Be 4
        [regex]::Matches($trend, '<circle class="point"').Count | Should -Be 8
    }

    It 'renders the tables with the expected rows' {
        [regex]::Matches((Get-Part 'table-segments'), '<tr>').Count | Should -Be 5
        [regex]::Matches((Get-Part 'table-top-leads'), '<tr>').Count | Should -Be 26
        $slipping = @(Get-CrmLeadMovement -Since 2025-10-01 | Where-Object Direction -EQ Down).Count
        [regex]::Matches((Get-Part 'table-slipping'), '<tr>').Count | Should -Be ([Math]::Min(25, $slipping) + 1)
        $newlyHot = @(Get-CrmLeadMovement -Since 2025-10-01 -To Hot).Count
        [regex]::Matches((Get-Part 'table-newly-hot'), '<tr>').Count | Should -Be ([Math]::Min(25, $newlyHot) + 1)
    }

    It 'the browser parsed the script-tag name as text, not as a script' {
        $dom | Should -Not -Match '<script'
        $dom | Should -Match ([regex]::Escape("&lt;script&gt;alert('x')&lt;/script&gt; O'Brien Zoë Nguyễn"))
    }

    It 'takes a screenshot that is not blank (against a blank page''s, on a phone-sized and a desktop window)' -TestCases @(
        @{ Size = '390,844' }
        @{ Size = '1000,2000' }
    ) {
        $shot = Join-Path $work "report-$($Size -replace ',', 'x').png"
        $blank = Join-Path $work "blank-$($Size -replace ',', 'x').png"
        Set-Content -Path (Join-Path $work 'blank.html') -Value '<!DOCTYPE html><html><body></body></html>'
        Invoke-Chromium @("--window-size=$Size", "--screenshot=$shot", "file://$path") | Out-Null
        Invoke-Chromium @("--window-size=$Size", "--screenshot=$blank", "file://$(Join-Path $work 'blank.html')") | Out-Null
        $bytes = [IO.File]::ReadAllBytes($shot)
        [Text.Encoding]::ASCII.GetString($bytes, 1, 3) | Should -Be 'PNG'
        $bytes.Length | Should -BeGreaterThan (5 * (Get-Item $blank).Length) -Because 'a page with charts and tables compresses far worse than a blank one'
    }
}
