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
        $names.Count | Should -Be 15 -Because 'twelve scenarios, and the reports'' three (change recording, movements, the HTML report)'
        @($names | Where-Object { $json.Scenarios.$_.reference }).Count | Should -BeGreaterOrEqual 10 -Because 'most scenarios are timed beside psql'
        foreach ($n in $names) {
            $s = $json.Scenarios.$n
            @($s.crmops_seconds).Count | Should -BeGreaterThan 0 -Because $n
            $s.median | Should -BeGreaterThan 0 -Because $n
            # Every scenario that names a psql reference is timed beside it (the sandbox's load, the HTML report and the
            # movements have none: psql has no such work to do).
            if ($n -notlike 'Start-CrmSandbox*' -and $s.reference) {
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
        @($md | Where-Object { $_ -match '^\| (Update-CrmLeadScore|Invoke-CrmTimelineRefresh|Get-CrmLeadSegment|Export-CrmLeadSegment|Get-CrmDbObject|Get-CrmRowCount|New pwsh|Start-CrmSandbox)' }).Count | Should -Be 12
        ($md -join "`n") | Should -Match 'machine load average \(1 min\)'
    }

    It 'renders two sizes side by side with the growth per customer, and keeps what is written by hand' {
        # The smoke run's figures as the small size, and the same scaled as a size ten times larger: 10x the time
        # is flat per customer, 13x is +30%; the first ten leads are judged by their time itself.
        $small = Get-Content (Join-Path $out 'benchmarks.json') -Raw | ConvertFrom-Json
        $large = Get-Content (Join-Path $out 'benchmarks.json') -Raw | ConvertFrom-Json
        $large.Customers = 100000
        $large.Scenarios = [pscustomobject]@{}
        foreach ($p in $small.Scenarios.PSObject.Properties) {
            $v = $p.Value.PSObject.Copy()
            $v.median = if ($p.Name -like '*Export-Csv') { $v.median * 13 } elseif ($p.Name -like '*-First 10') { $v.median } else { $v.median * 10 }
            $name = $p.Name -replace '-Customers 10,000 \([\d,]+ orders\)', '-Customers 100,000 (126,630 orders)'
            $large.Scenarios | Add-Member -NotePropertyName $name -NotePropertyValue $v
        }
        $a = Join-Path $TestDrive 'small.json'; $b = Join-Path $TestDrive 'large.json'; $page = Join-Path $TestDrive 'benchmarks.md'
        $small | ConvertTo-Json -Depth 6 | Set-Content $a
        $large | ConvertTo-Json -Depth 6 | Set-Content $b
        Set-Content $page "# old`n<!-- written by hand below -->`n`n## Why, by a person`n"
        & (Join-Path (Get-RepoRoot) 'tools/Bench.Report.ps1') -Json $a, $b -OutputPath $page 6>$null
        $md = Get-Content $page
        $md | Should -Contain '## Why, by a person'
        $row = { param($name) $md | Where-Object { $_ -like "| $name |*" } | Select-Object -First 1 }
        (& $row 'Start-CrmSandbox -Customers N') | Should -Match '\| \+0% \|'
        (& $row 'Get-CrmLeadSegment \| Export-Csv') | Should -Match '\| \+30% \| .* growth \*\*miss\*\*'
        (& $row 'Get-CrmLeadSegment \| Select-Object -First 10') | Should -Match '\| \+0% \|'
        (& $row 'Update-CrmLeadScore, daily run (under 1% of scores change)') | Should -Match 'growth pass'
    }

    It 'writes the schema drift and diff section, each scenario with a figure' {
        $md = Get-Content (Join-Path $out 'benchmarks.md') -Raw
        $md | Should -Match '(?s)<!-- bench:schema:start -->\s*## Schema drift and diff.*<!-- bench:schema:end -->'
        $schema = @(Get-Content (Join-Path $out 'benchmarks-schema.json') -Raw | ConvertFrom-Json)
        $schema.Count | Should -Be 5
        foreach ($s in $schema) { $s.Seconds | Should -BeGreaterThan 0 -Because $s.Scenario }
        ($schema | Where-Object Scenario -like 'Compare-CrmSchema -Reference -Difference*').ReferenceSeconds | Should -BeGreaterThan 0
    }
}
