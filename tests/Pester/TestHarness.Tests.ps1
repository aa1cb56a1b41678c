#requires -Version 7.4
# build.ps1's own honesty: its summary line must count what did not pass. Each case runs build.ps1
# in a child pwsh on the build already in place (-NoBuild), with its own results folder, and plays
# one way a run can go wrong: a test host that dies half-way, pgbouncer missing in CI, a run with
# fewer tests than its floor, a Pester child that dies leaving an old result file behind.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:summaryPattern = '^(\d+) passed, (\d+) failed, (\d+) skipped$'

    # Runs build.ps1 with these arguments in a child pwsh; returns the exit code, the whole output and the summary's counts.
    function Invoke-ChildBuild([string] $Arguments, [hashtable] $Environment = @{}) {
        $r = Invoke-ChildPwsh -TimeoutSeconds 600 -Environment $Environment -Script "./build.ps1 $Arguments; exit `$LASTEXITCODE"
        $all = $r.StdOut + "`n" + $r.StdErr
        $line = @($r.StdOut -split "`r?`n" | Where-Object { $_ -match $script:summaryPattern }) | Select-Object -Last 1
        $counts = if ($line -match $script:summaryPattern) { [pscustomobject]@{ Passed = [int]$Matches[1]; Failed = [int]$Matches[2]; Skipped = [int]$Matches[3] } }
        [pscustomobject]@{ ExitCode = $r.ExitCode; Output = $all; Summary = $line; Counts = $counts }
    }
    function Get-Floor([string] $Part) {
        foreach ($l in Get-Content (Join-Path (Get-RepoRoot) 'tests/minimum-test-count')) { if ($l -match "^$Part\s+(\d+)") { return [int]$Matches[1] } }
        throw "no floor for $Part"
    }
}

Describe 'build.ps1 reports what did not pass' -Tag Harness {
    It 'counts a test host that dies half-way as failures and exits non-zero' {
        # CRMOPS_TEST_FAILFAST=1 lets the HostCrash test call Environment.FailFast in the middle of the xunit run.
        $r = Invoke-ChildBuild "Test -Suite Xunit -NoBuild -ResultsDirectory '$TestDrive/crash'" @{ CRMOPS_TEST_FAILFAST = '1' }
        $r.Output | Should -Match 'Test host process crashed' -Because 'the host really died (and not, say, for want of a build)'
        $r.ExitCode | Should -Not -Be 0
        $r.Summary | Should -Match $summaryPattern -Because $r.Output
        $r.Counts.Failed | Should -BeGreaterThan 0
        # The tests that never reported are failures, not missing from the count.
        ($r.Counts.Passed + $r.Counts.Failed + $r.Counts.Skipped) | Should -BeGreaterOrEqual (Get-Floor 'xunit')
    }

    It 'fails the pgbouncer tests in CI when pgbouncer is missing, instead of skipping them' {
        # CRMOPS_PGBOUNCER names the binary in place of PATH: here, one that does not exist.
        $arguments = "Test -Suite Pester -NoBuild -TestPath tests/Pester/Migrations.Tests.ps1 -Tag PgBouncer -Shape PostgreSQL -ResultsDirectory '$TestDrive/nopgb'"
        $ci = Invoke-ChildBuild $arguments @{ CI = 'true'; CRMOPS_PGBOUNCER = '/nonexistent/pgbouncer' }
        $ci.Output | Should -Match 'pgbouncer is not installed'
        $ci.ExitCode | Should -Not -Be 0
        $ci.Summary | Should -Match $summaryPattern -Because $ci.Output
        $ci.Counts.Failed | Should -BeGreaterThan 0
        $ci.Counts.Passed | Should -Be 0
        # Outside CI the same machine skips them, and says so in the summary.
        $local = Invoke-ChildBuild $arguments @{ CI = $null; CRMOPS_PGBOUNCER = '/nonexistent/pgbouncer' }
        $local.ExitCode | Should -Be 0 -Because $local.Output
        $local.Summary | Should -Be '0 passed, 0 failed, 1 skipped'
    }

    It 'fails a run that counts fewer tests than its floor' {
        Set-Content "$TestDrive/floor" "xunit 100000`npester 100000`nreliability 100000"
        $r = Invoke-ChildBuild "Test -Suite Xunit -NoBuild -ResultsDirectory '$TestDrive/floor-run' -MinimumTestCountPath '$TestDrive/floor'"
        $r.Output | Should -Match 'fewer than the floor of 100000'
        $r.ExitCode | Should -Not -Be 0
        $r.Counts.Failed | Should -Be 1 -Because 'every xunit test passed; only the floor failed'
        $r.Counts.Passed | Should -BeGreaterOrEqual (Get-Floor 'xunit')
    }

    It 'Reliability ignores an old result file and counts a Pester child that died as a failure' {
        $dir = "$TestDrive/stale"
        New-Item -ItemType Directory $dir | Out-Null
        '{ "Passed": 999, "Failed": 0, "Skipped": 0, "NotRun": 0 }' | Set-Content "$dir/reliability-postgresql.json"
        # No Pester under this NuGet root: the child throws before writing any result.
        $r = Invoke-ChildBuild "Reliability -NoBuild -Shape PostgreSQL -ResultsDirectory '$dir'" @{ NUGET_PACKAGES = "$TestDrive/no-packages" }
        $r.Output | Should -Match 'Pester 5\.7\.1 is not restored'
        $r.ExitCode | Should -Not -Be 0
        $r.Summary | Should -Be '0 passed, 1 failed, 0 skipped'
        Test-Path "$dir/reliability-postgresql.json" | Should -BeFalse -Because 'the old file was deleted before the run'
    }
}
