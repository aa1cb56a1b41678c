#requires -Version 7.4
<#
.SYNOPSIS
    CrmOps benchmarks: each scenario beside the same work done the obvious way in psql, timed in
    the same run. Writes a Markdown table and the raw figures as JSON.
.DESCRIPTION
    Starts a sandbox of -Customers customers (default 1,000,000), applies the built-in migrations,
    then runs every scenario -Runs times and reports medians. psql is the floor we chase. The schema
    drift and diff section comes from tools/Bench.Schema.ps1 (its own sandbox of the sample CRM's size).
    build.ps1 Bench runs it into docs/; CI runs a 10k smoke version into artifacts/ so it cannot rot.
#>
[CmdletBinding()]
param(
    [int] $Customers = 1000000,
    [int] $Runs = 3,
    [string] $OutputDirectory,
    [int] $DiscoveryTables = 5000,
    # Leave out the scenarios whose work does not grow with the customers (discovery on N tables, a new pwsh):
    # the second size of a two-size run (build.ps1 Bench -Customers 10000000) measures only what scales.
    [switch] $SkipFixed,
    # Only the lead-stream scenarios (first ten, the full stream, Export-Csv, Export-CrmLeadSegment) after one full
    # scoring: for sizes where the scoring and refresh scenarios would take longer than the machine can give.
    [switch] $LeadsOnly,
    # Only the sandbox, the daily run and the reports' scenarios (issue 20), for a quicker measurement.
    [switch] $ReportsOnly
)
if ($LeadsOnly -or $ReportsOnly) { $SkipFixed = [switch]$true }
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not $OutputDirectory) { $OutputDirectory = Join-Path $root 'docs' }
Import-Module (Join-Path $root 'CrmOps.psd1')
Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1')
$psql = Get-Psql
$asOf = [DateTimeOffset]'2025-10-15T00:00:00Z'
$results = [System.Collections.Generic.List[object]]::new()
$raw = [ordered]@{ Customers = $Customers; Runs = $Runs; Machine = "$([Environment]::ProcessorCount) cores, $([Environment]::OSVersion.VersionString)"; Date = (Get-Date).ToUniversalTime().ToString('o'); Scenarios = [ordered]@{}
    # What the timed work produced (rows scored, refreshed, streamed, exported): the smoke test checks the benchmark did its work.
    Work = [ordered]@{} }

function Median([double[]] $values) {
    $s = @($values | Sort-Object)
    if ($s.Count -eq 0) { return $null }
    if ($s.Count % 2) { return $s[[int][Math]::Floor($s.Count / 2)] }
    ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2
}
function Seconds([scriptblock] $work) { $c = [Diagnostics.Stopwatch]::StartNew(); & $work | Out-Null; $c.Elapsed.TotalSeconds }
function Invoke-BenchPsql([string] $sql, [string] $database = 'crm') {
    $out = & $psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $sandbox.Port -U postgres -d $database -c $sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
}
function PsqlSeconds([string] $sql) { Seconds { Invoke-BenchPsql $sql } }
# The machine's 1-minute load average (other work competing for the 2 cores makes every figure slower).
function Get-LoadAverage { if (Test-Path /proc/loadavg) { [double]((Get-Content /proc/loadavg -Raw) -split ' ')[0] } }
# psql's own timing of one statement (\timing: the round trip as psql sees it, without psql's start-up).
function PsqlTimed([string] $sql) {
    $out = & $psql -X -q -h 127.0.0.1 -p $sandbox.Port -U postgres -d crm -c '\timing on' -c $sql 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
    $m = [regex]::Match(($out -join "`n"), 'Time: ([\d.]+) ms')
    if (-not $m.Success) { throw "psql printed no timing: $out" }
    [double]$m.Groups[1].Value / 1000
}
function Add-Result([string] $scenario, [double[]] $ours, [double[]] $reference, [string] $referenceName, [string] $target, [scriptblock] $pass, [string] $note = '') {
    $m = Median $ours
    $r = if ($reference) { Median $reference } else { $null }
    $ratio = if ($r) { $m / $r } else { $null }
    $ok = & $pass $m $r $ratio
    $load = Get-LoadAverage
    $results.Add([pscustomobject]@{ Scenario = $scenario; CrmOps = $m; Reference = $r; ReferenceName = $referenceName; Ratio = $ratio; Target = $target; Pass = [bool]$ok; Note = $note })
    $raw.Scenarios[$scenario] = [ordered]@{ crmops_seconds = $ours; reference = $referenceName; reference_seconds = $reference; median = $m; reference_median = $r; ratio = $ratio; target = $target; pass = [bool]$ok; note = $note; load_average = $load }
    Write-Host ("{0,-70} {1,9:N3} s  ref {2,9}  ratio {3,6}  {4}" -f $scenario, $m, $(if ($r) { '{0:N3} s' -f $r } else { '-' }), $(if ($ratio) { '{0:N2}' -f $ratio } else { '-' }), $(if ($ok) { 'pass' } else { 'MISS' }))
}
# Every score to NULL (the score-only UPDATE does not fire the profile trigger), then a clean table.
function Reset-Scores {
    Invoke-BenchPsql 'UPDATE customer_profiles SET lead_score = NULL, rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL, last_scored_at = NULL'
    Invoke-BenchPsql 'VACUUM ANALYZE customer_profiles'
}

$raw.LoadAverageStart = Get-LoadAverage
$sandbox = $null
try {
    # 1. The sandbox itself.
    $sandbox = Start-CrmSandbox -Customers $Customers
    $raw.Work.SandboxCustomers = $sandbox.Customers
    $load = ($sandbox.StartupTime + $sandbox.LoadTime).TotalSeconds
    Add-Result ("Start-CrmSandbox -Customers {0:N0} ({1:N0} orders)" -f $Customers, $sandbox.Orders) @($load) @() '' 'under 60 s' { param($m) $m -lt 60 }
    # -Force: at a million customers the built-in migrations' plain CREATE INDEX on customer_profiles is a lint
    # Error (require-concurrent-index-creation from -ErrorRows 1,000,000); on a throwaway sandbox that is fine.
    Invoke-CrmMigration -BuiltIn -Force -WarningAction SilentlyContinue | Out-Null
    Invoke-BenchPsql 'VACUUM ANALYZE'

    if ($LeadsOnly) { Update-CrmLeadScore -AsOf $asOf -Full -Confirm:$false | Out-Null }
    else {
        # 2. Full recalculation, every score changes: CrmOps vs one hand-written UPDATE vs the seed's trigger method.
        if (-not $ReportsOnly) {
        $handWritten = @"
UPDATE customer_profiles p
   SET lead_score = c.lead_score, rfm_recency = c.recency, rfm_frequency = c.frequency, rfm_monetary = c.monetary, last_scored_at = '$($asOf.ToString('o'))'
  FROM customer_engagement_metrics m
 CROSS JOIN LATERAL lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, '$($asOf.ToString('o'))') c
 WHERE m.customer_id = p.id;
"@
        $ours = @(); $ref = @(); $seed = @()
        foreach ($i in 1..$Runs) {
            Reset-Scores
            $ours += Seconds { $script:fullRun = Update-CrmLeadScore -AsOf $asOf -Full -Confirm:$false }
            $raw.Work.FullRunCustomers = $script:fullRun.Customers; $raw.Work.FullRunChanged = $script:fullRun.Changed
            Reset-Scores
            $ref += PsqlSeconds $handWritten
            Reset-Scores
            $seed += PsqlSeconds 'UPDATE customer_profiles SET updated_at = NOW();'
        }
        Add-Result 'Update-CrmLeadScore, full recalculation, every score changes' $ours $ref 'psql: one hand-written set-based UPDATE' '<= 1.2x' { param($m, $r, $x) $x -le 1.2 }
        Add-Result 'Update-CrmLeadScore, full recalculation, vs the seed''s method' $ours $seed 'psql: UPDATE customer_profiles SET updated_at = NOW() (per-row trigger)' '>= 3x faster' { param($m, $r, $x) $x -le (1 / 3) }
        }

        # 3. The daily run: each day's scores after the previous day's, fewer than 1% change. (The
        # sample data keeps last orders away from the band edges around 2025-10-15, so the days
        # after 2025-10-20 are used: there some customers cross a 30/60/90/180-day boundary each day.)
        $base = $asOf.AddDays(5)
        Update-CrmLeadScore -AsOf $base -Full -Confirm:$false | Out-Null
        $daily = @(); $changedShare = @()
        foreach ($i in 1..$Runs) {
            $script:run = $null
            $daily += Seconds { $script:run = Update-CrmLeadScore -AsOf $base.AddDays($i) -Confirm:$false }
            $changedShare += 100.0 * $script:run.Changed / [Math]::Max(1, $script:run.Customers)
        }
        if (-not $ReportsOnly) {
            Add-Result 'Update-CrmLeadScore, daily run (under 1% of scores change)' $daily $seed 'psql: the seed''s method (every row through the trigger)' '>= 20x faster' { param($m, $r, $x) $x -le (1 / 20) } ("{0:N2}% of scores changed per run (median)" -f (Median $changedShare))
        }

        # 3b. What recording score changes costs the daily run: the targeted statement exactly as the cmdlet runs
        # it (scoring-targeted.sql, which writes supabase_migrations.crmops_score_changes in the same statement) against the same
        # statement without its change-log CTE, on the same day's data, alternately, the scores put back
        # between trials. Server time of the statement (psql's \timing), so psql's start-up does not dilute it.
        $sqlDir = Join-Path $root 'src/CrmOps.Core/Sql/Operations'
        $prev = (& $psql -X -qtA -h 127.0.0.1 -p $sandbox.Port -U postgres -d crm -F '|' -c "select as_of, started_at from supabase_migrations.crmops_scoring_runs where mode in ('Full','Targeted') and status = 'Succeeded' order by started_at desc, id desc limit 1") -split '\|'
        $day = $base.AddDays($Runs + 1)
        $fill = { param($text) $text -replace '@targeted\b', 'true' -replace '@prev_as_of\b', "'$($prev[0])'::timestamptz" -replace '@prev_started\b', "'$($prev[1])'::timestamptz" `
                                      -replace '@as_of\b', "'$($day.ToString('o'))'::timestamptz" -replace '@ids\b', 'NULL' -replace '@run_started\b', 'now()' }
        $withLog = & $fill (Get-Content (Join-Path $sqlDir 'scoring-targeted.sql') -Raw)
        $withoutLog = [regex]::Replace($withLog, '\), logged AS \([\s\S]*?FROM changed x\n\)', ')')
        if ($withoutLog -eq $withLog) { throw 'Could not take the change-log CTE out of scoring-targeted.sql.' }
        Invoke-BenchPsql 'DROP TABLE IF EXISTS bench_scores; CREATE TABLE bench_scores AS SELECT id, lead_score, rfm_recency, rfm_frequency, rfm_monetary, last_scored_at FROM customer_profiles'
        $restore = "UPDATE customer_profiles p SET lead_score = b.lead_score, rfm_recency = b.rfm_recency, rfm_frequency = b.rfm_frequency, rfm_monetary = b.rfm_monetary, last_scored_at = b.last_scored_at
                      FROM bench_scores b WHERE b.id = p.id AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.last_scored_at) IS DISTINCT FROM (b.lead_score, b.rfm_recency, b.rfm_frequency, b.rfm_monetary, b.last_scored_at);
                    DELETE FROM supabase_migrations.crmops_score_changes WHERE as_of = '$($day.ToString('o'))';"
        function ServerSeconds([string] $sql) {
            $out = & $psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $sandbox.Port -U postgres -d crm -c '\timing on' -c $sql 2>&1
            if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
            $ms = ($out | Select-String 'Time: ([0-9.]+) ms' | Select-Object -Last 1).Matches[0].Groups[1].Value
            [double]$ms / 1000
        }
        $logged = @(); $plain = @(); $changedRows = @()
        foreach ($i in 1..([Math]::Max(3, $Runs))) {
            Invoke-BenchPsql $restore; Invoke-BenchPsql 'VACUUM customer_profiles'
            $plain += ServerSeconds $withoutLog
            Invoke-BenchPsql $restore; Invoke-BenchPsql 'VACUUM customer_profiles'
            $logged += ServerSeconds $withLog
            $changedRows += [double](& $psql -X -qtA -h 127.0.0.1 -p $sandbox.Port -U postgres -d crm -c "select count(*) from supabase_migrations.crmops_score_changes where as_of = '$($day.ToString('o'))'")
        }
        Invoke-BenchPsql "$restore DROP TABLE bench_scores;"
        Add-Result 'Daily scoring statement, recording score changes' $logged $plain 'the same statement without its change-log CTE' 'under 10% extra' { param($m, $r, $x) $x -lt 1.1 } ("{0:N0} change rows per run ({1:N2}% of customers)" -f (Median $changedRows), (100.0 * (Median $changedRows) / $Customers))

        # 3c. The lead report (distribution, histogram, trend, movements, top leads) into one HTML file.
        $reportDir = Join-Path ([IO.Path]::GetTempPath()) "crmops-bench-report-$PID"
        New-Item -ItemType Directory -Force $reportDir | Out-Null
        $reportTimes = @(); $movementTimes = @()
        foreach ($i in 1..$Runs) {
            $reportTimes += Seconds { Export-CrmLeadReport -Path (Join-Path $reportDir 'report.html') -Since $base -Force -Confirm:$false }
            $movementTimes += Seconds { Get-CrmLeadMovement -Since $base | Measure-Object }
        }
        $moved = @(Get-CrmLeadMovement -Since $base).Count
        Remove-Item $reportDir -Recurse -Force -ErrorAction Ignore
        Add-Result 'Export-CrmLeadReport (one self-contained HTML file)' $reportTimes @() '' 'under 5 s' { param($m) $m -lt 5 } ("movements since the first daily run's base: {0:N0}" -f $moved)
        Add-Result 'Get-CrmLeadMovement -Since (days of daily runs) | Measure-Object' $movementTimes @() '' 'under 2 s' { param($m) $m -lt 2 }

        if (-not $ReportsOnly) {

        # 4. Timeline refresh, concurrently.
        $ours = @(); $ref = @()
        foreach ($i in 1..$Runs) {
            $ours += Seconds { $script:refresh = Invoke-CrmTimelineRefresh }
            $raw.Work.RefreshStatus = "$($script:refresh.Status)"; $raw.Work.RefreshRowsAfter = $script:refresh.RowsAfter
            $ref += PsqlSeconds 'REFRESH MATERIALIZED VIEW CONCURRENTLY customer_activity_timeline;'
        }
        Add-Result 'Invoke-CrmTimelineRefresh (concurrent, logged, rows before/after)' $ours $ref 'psql: REFRESH MATERIALIZED VIEW CONCURRENTLY' '<= 1.1x' { param($m, $r, $x) $x -le 1.1 }
        }
    }

    if (-not $ReportsOnly) {
    # 5. Streaming all leads, and exporting them.
    # The references run exactly the SQL the commands run (read from the core's SQL files), every segment.
    $sqlDir = Join-Path $root 'src/CrmOps.Core/Sql/Operations'
    $allScores = 'ARRAY[' + ((6..30) -join ',') + ']::int[]'
    $oneLine = { param($text) (($text -split "`n" | Where-Object { $_ -notmatch '^\s*--' }) -join ' ') -replace '\s+', ' ' -replace ';\s*$', '' }
    $leadsQuery = & $oneLine ((Get-Content (Join-Path $sqlDir 'leads.sql') -Raw) -replace '@scores', $allScores -replace '@top', 'NULL' -replace '@skip', '0')
    # leads-export.sql is the whole COPY (...) TO STDOUT statement: the reference runs its inner query through psql's \copy.
    $exportCopy = & $oneLine ((Get-Content (Join-Path $sqlDir 'leads-export.sql') -Raw) -replace '\{scores\}', $allScores -replace '\{limit\}', '')
    $exportQuery = $exportCopy -replace '^\s*COPY \(\s*', '' -replace '\s*\) TO STDOUT WITH \(FORMAT csv, HEADER true\)\s*$', ''
    $csvDir = Join-Path ([IO.Path]::GetTempPath()) "crmops-bench-$PID"
    New-Item -ItemType Directory -Force $csvDir | Out-Null
    $stream = @(); $streamRef = @(); $rates = @(); $memory = @(); $export = @(); $copyExport = @(); $exportRef = @()
    $first = @(); $firstRef = @(); $exportPeak = @()
    $timeout = [Math]::Max(600, $Customers / 5000)
    foreach ($i in 1..$Runs) {
        # In a fresh pwsh, so the memory growth is ours alone. The first ten leads as a user at a prompt gets them
        # (the best of five after a warm-up: a first call also loads and compiles code).
        $child = Invoke-ChildPwsh -Environment @{ CRMOPS_CONNECTION = $sandbox.ConnectionString } -TimeoutSeconds $timeout -Script @'
Import-Module ./CrmOps.psd1
Connect-CrmDatabase | Out-Null
Get-CrmLeadSegment -Top 1 | Out-Null
Get-CrmLeadSegment | Select-Object -First 10 | Out-Null
$first = foreach ($k in 1..5) { $c = [Diagnostics.Stopwatch]::StartNew(); Get-CrmLeadSegment | Select-Object -First 10 | Out-Null; $c.Elapsed.TotalSeconds }
[GC]::Collect()
$p = Get-Process -Id $PID; $p.Refresh(); $base = $p.WorkingSet64
$c = [Diagnostics.Stopwatch]::StartNew()
$n = (Get-CrmLeadSegment | Measure-Object).Count
$s = $c.Elapsed.TotalSeconds
$p.Refresh()
"RESULT $n $s $(($p.PeakWorkingSet64 - $base) / 1MB) $(($first | Measure-Object -Minimum).Minimum)"
'@
        if ($child.ExitCode -ne 0) { throw "Streaming benchmark failed: $($child.StdErr)" }
        $parts = ($child.StdOut -split "`n" | Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1) -split ' '
        $stream += [double]$parts[2]; $rates += [double]$parts[1] / [double]$parts[2]; $memory += [double]$parts[3]; $first += [double]$parts[4]
        $raw.Work.StreamedRows = [long]$parts[1]
        $streamRef += PsqlSeconds "\copy ($leadsQuery) to /dev/null"
        $firstRef += (1..5 | ForEach-Object { PsqlTimed ($leadsQuery -replace 'LIMIT NULL', 'LIMIT 10') } | Measure-Object -Minimum).Minimum

        $a = Join-Path $csvDir "a$i.csv"; $b = Join-Path $csvDir "b$i.csv"; $c = Join-Path $csvDir "c$i.csv"
        # Export-Csv in a fresh pwsh too: its peak working set is the whole process's.
        $child = Invoke-ChildPwsh -Environment @{ CRMOPS_CONNECTION = $sandbox.ConnectionString; CRMOPS_BENCH_CSV = $a } -TimeoutSeconds $timeout -Script @'
Import-Module ./CrmOps.psd1
Connect-CrmDatabase | Out-Null
$c = [Diagnostics.Stopwatch]::StartNew()
Get-CrmLeadSegment | Export-Csv $env:CRMOPS_BENCH_CSV
$s = $c.Elapsed.TotalSeconds
$p = Get-Process -Id $PID; $p.Refresh()
"RESULT $s $($p.PeakWorkingSet64 / 1MB)"
'@
        if ($child.ExitCode -ne 0) { throw "Export-Csv benchmark failed: $($child.StdErr)" }
        $parts = ($child.StdOut -split "`n" | Where-Object { $_ -like 'RESULT *' } | Select-Object -Last 1) -split ' '
        $export += [double]$parts[1]; $exportPeak += [double]$parts[2]
        $copyExport += Seconds { Export-CrmLeadSegment $b -Force }
        $exportRef += PsqlSeconds "\copy ($exportQuery) to '$c' csv header"
        $dataLines = { param($path) [Linq.Enumerable]::Count([IO.File]::ReadLines($path)) - 1 }
        $raw.Work.ExportCsvRows = & $dataLines $a; $raw.Work.CopyExportRows = & $dataLines $b; $raw.Work.PsqlExportRows = & $dataLines $c
        Remove-Item $a, $b, $c -ErrorAction Ignore
    }
    Add-Result 'Get-CrmLeadSegment | Select-Object -First 10' $first $firstRef 'psql: the same query with LIMIT 10 (\timing)' 'under 0.1 s' { param($m) $m -lt 0.1 } 'a fresh pwsh, the best of five after a warm-up'
    Add-Result 'Get-CrmLeadSegment (all segments) | Measure-Object' $stream $streamRef 'psql: \copy (same query) to /dev/null' '<= 1.1x, >= 250,000 rows/s, memory +150 MB at most' { param($m, $r, $x) $x -le 1.1 -and (Median $rates) -ge 250000 -and (Median $memory) -lt 150 } ("{0:N0} rows/s, peak memory +{1:N0} MB" -f (Median $rates), (Median $memory))
    Add-Result 'Get-CrmLeadSegment | Export-Csv' $export $exportRef 'psql: \copy (same query) to file csv' 'process under 300 MB' { param($m) (Median $exportPeak) -lt 300 } ("peak working set of the whole pwsh {0:N0} MB; Export-Csv formats every property of every object: that is the cost, Export-CrmLeadSegment is the fast path" -f (Median $exportPeak))
    Add-Result 'Export-CrmLeadSegment -Path (COPY)' $copyExport $exportRef 'psql: \copy (same query) to file csv' '<= 1.5x' { param($m, $r, $x) $x -le 1.5 }
    Remove-Item $csvDir -Recurse -Force -ErrorAction Ignore
    }

    # 6. Discovery on 5,000 tables, and 7. a new pwsh (neither grows with the customers).
    if (-not $SkipFixed) {
    # 6. Discovery on 5,000 tables.
    $disc = & (Join-Path $PSScriptRoot 'Bench.Discovery.ps1') -ConnectionString $sandbox.ConnectionString -Tables $DiscoveryTables -Repeat ([Math]::Max(3, $Runs))
    $dt = ($disc | Where-Object Case -like 'psql*').MedianMs / 1000
    foreach ($case in 'Get-CrmDbObject -Type Table', 'Get-CrmRowCount (estimates)') {
        $row = $disc | Where-Object Case -eq $case
        Add-Result ("{0} on {1:N0} tables" -f $case, $DiscoveryTables) @($row.MedianMs / 1000) @($dt) 'psql: \dt+ (its query, server time)' 'under 1 s' { param($m) $m -lt 1 }
    }

    # 7. A new pwsh: Import-Module plus a first Get-CrmRowCount.
    $cold = @(); $coldRef = @()
    $pwsh = Get-PwshCommand
    foreach ($i in 1..([Math]::Max(3, $Runs))) {
        $cold += Seconds { & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command "Import-Module '$root/CrmOps.psd1'; Get-CrmRowCount -Connection '$($sandbox.ConnectionString)' | Out-Null" }
        $coldRef += Seconds { & $psql -X -q -h 127.0.0.1 -p $sandbox.Port -U postgres -d crm -c 'select 1' | Out-Null }
    }
    Add-Result 'New pwsh: Import-Module + first Get-CrmRowCount' $cold $coldRef 'psql -c ''select 1''' 'under 1.5 s' { param($m) $m -lt 1.5 } 'includes pwsh''s own start-up'
    }
}
finally {
    if ($sandbox) { Stop-CrmSandbox $sandbox }
}

# Report: the JSON, and the Markdown page rendered from it (tools/Bench.Report.ps1, which also renders two sizes side by side).
New-Item -ItemType Directory -Force $OutputDirectory | Out-Null
$raw.LoadAverageEnd = Get-LoadAverage
$raw | ConvertTo-Json -Depth 6 | Set-Content (Join-Path $OutputDirectory 'benchmarks.json')
& (Join-Path $PSScriptRoot 'Bench.Report.ps1') -Json (Join-Path $OutputDirectory 'benchmarks.json') -OutputPath (Join-Path $OutputDirectory 'benchmarks.md')

# 8. Schema drift and diff, on its own sandbox of the sample CRM's size: a section of its own in the same file (left out with -SkipFixed: it does not grow with the customers).
if (-not $SkipFixed) {
    & (Join-Path $PSScriptRoot 'Bench.Schema.ps1') -Tables $DiscoveryTables -Runs ([Math]::Max(3, $Runs)) -MarkdownPath (Join-Path $OutputDirectory 'benchmarks.md') | Out-Null
}
