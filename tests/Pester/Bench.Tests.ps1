#requires -Version 7.4
# The benchmark task cannot rot: CI runs a 10k smoke version of every scenario (speed itself is
# judged by the full run, docs/benchmarks.md, never by a timed test).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:out = Join-Path $TestDrive 'bench'
    $script:run = Invoke-ChildPwsh -TimeoutSeconds 600 -Script "./tools/Bench.ps1 -Customers 10000 -Runs 1 -DiscoveryTables 300 -OutputDirectory '$out'"
}

Describe 'Bench smoke run (10k customers)' {
    It 'completes' {
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
    }

    It 'writes a figure for every scenario, each beside its psql reference' {
        $json = Get-Content (Join-Path $out 'benchmarks.json') -Raw | ConvertFrom-Json
        $json.Customers | Should -Be 10000
        $names = $json.Scenarios.PSObject.Properties.Name
        $names.Count | Should -Be 11
        foreach ($n in $names) {
            $s = $json.Scenarios.$n
            @($s.crmops_seconds).Count | Should -BeGreaterThan 0 -Because $n
            $s.median | Should -BeGreaterThan 0 -Because $n
            if ($n -notlike 'Start-CrmSandbox*') {
                $s.reference_median | Should -BeGreaterThan 0 -Because $n
                [Math]::Abs($s.ratio - $s.median / $s.reference_median) | Should -BeLessThan 1e-9 -Because "${n}: the ratio is CrmOps over its reference"
            }
        }
    }

    It 'timed real work: every customer scored, refreshed, streamed and exported' {
        # A scenario that timed a failure or an empty result would still have a median; these are its results.
        $work = (Get-Content (Join-Path $out 'benchmarks.json') -Raw | ConvertFrom-Json).Work
        $work.SandboxCustomers | Should -Be 10000
        $work.FullRunCustomers | Should -Be 10000
        $work.FullRunChanged | Should -Be 10000 -Because 'the scores were reset before the full run'
        $work.RefreshStatus | Should -Be 'Succeeded'
        $work.RefreshRowsAfter | Should -BeGreaterOrEqual 10000 -Because 'every sample customer has at least one linked order'
        $work.StreamedRows | Should -Be 10000
        $work.ExportCsvRows | Should -Be 10000
        $work.CopyExportRows | Should -Be 10000
        $work.PsqlExportRows | Should -Be 10000
    }

    It 'writes the Markdown table' {
        $md = Get-Content (Join-Path $out 'benchmarks.md')
        $md[0] | Should -Be '# CrmOps benchmarks'
        @($md | Where-Object { $_ -match '^\| (Update-CrmLeadScore|Invoke-CrmTimelineRefresh|Get-CrmLeadSegment|Export-CrmLeadSegment|Get-CrmDbObject|Get-CrmRowCount|New pwsh|Start-CrmSandbox)' }).Count | Should -Be 11
    }
}
