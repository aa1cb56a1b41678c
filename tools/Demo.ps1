#requires -Version 7.4
<#
.SYNOPSIS
    The seed's story, told by CrmOps on a throwaway sandbox: look first, refuse the wrong table,
    plan, rehearse, apply, refresh, score, report, and the rollback plan.
#>
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
Import-Module (Join-Path $root 'CrmOps.psd1') -Force
$clock = [Diagnostics.Stopwatch]::StartNew()

function Step([string] $title) {
    Write-Host ''
    Write-Host ("== {0} {1}" -f $title, ('=' * [Math]::Max(0, 90 - $title.Length))) -ForegroundColor Cyan
}
function Say([string] $text) { Write-Host $text }
function Show { $input | Format-Table -AutoSize | Out-String -Width 160 | Write-Host }

$sandbox = $null
$tmp = Join-Path ([IO.Path]::GetTempPath()) ("crmops-demo-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
try {
    Step 'A faithful copy of the production CRM (2025-10-15), on a throwaway PostgreSQL'
    $sandbox = Start-CrmSandbox
    Say ("Sandbox on 127.0.0.1:{0}: {1:N0} customers, {2:N0} orders, ready in {3:N1} s." -f $sandbox.Port, $sandbox.Customers, $sandbox.Orders, ($sandbox.StartupTime + $sandbox.LoadTime).TotalSeconds)

    Step '1. Always investigate the schema first'
    Get-CrmDbObject -Type Table, View, MaterializedView | Select-Object Name, Type, Description | Show
    Say 'Row counts, exact, smallest first (the seed''s investigation in one line):'
    Say '  Get-CrmDbObject -Type Table | Get-CrmRowCount -Exact | Sort-Object Rows'
    $counts = Get-CrmDbObject -Type Table | Get-CrmRowCount -Exact | Sort-Object Rows
    $counts | Show
    $test = $counts | Where-Object Table -eq 'customers'
    $real = $counts | Where-Object Table -eq 'customer_profiles'
    Say ("'customers' holds {0} rows: test data. The real customers are in 'customer_profiles' ({1:N0} rows)." -f $test.Rows, $real.Rows)
    Say 'What the marketing export is built from (upstream dependencies):'
    Get-CrmDependency customer_marketing_export -Direction Upstream | Show

    Step '2. The seed''s original mistake, attempted again: refused by its guard'
    New-Item -ItemType Directory -Force (Join-Path $tmp 'migrations'), (Join-Path $tmp 'rollbacks') | Out-Null
    $wrong = '20251015070000_create_lead_scoring.sql'
    Set-Content (Join-Path $tmp "migrations/$wrong") @'
-- crmops:require-rows customers >= 1000
-- The lead scoring, aimed (wrongly) at the test table.
ALTER TABLE customers ADD COLUMN lead_score integer;
'@
    Set-Content (Join-Path $tmp "rollbacks/$wrong") 'ALTER TABLE customers DROP COLUMN IF EXISTS lead_score;'
    try {
        Invoke-CrmMigration -Path $tmp -Confirm:$false -ErrorAction Stop | Out-Null
        Say 'UNEXPECTED: the migration was applied.'
        exit 1
    }
    catch {
        Say ("Refused: {0}" -f $_.Exception.Message)
        Say ("(error id {0})" -f $_.FullyQualifiedErrorId.Split(',')[0])
    }
    $still = Get-CrmColumn customers | Where-Object Name -eq 'lead_score'
    Say ("customers has a lead_score column now? {0}" -f [bool]$still)

    Step '3. The corrected migrations: the plan (-WhatIf)'
    Get-CrmMigration -BuiltIn | Select-Object Version, Name, State, HasRollback, HasVerify, Requirements | Show
    Invoke-CrmMigration -BuiltIn -WhatIf | Select-Object Version, Name, Status, Statements, Tables | Format-List | Out-String -Width 160 | Write-Host

    Step '4. Rehearsal: up, verify, down in a transaction that is always rolled back'
    Test-CrmMigration -BuiltIn -RoundTrip | Select-Object Check, Target, Passed, Message | Show

    Step '5. Apply'
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Select-Object Version, Name, Direction, Status, Statements, @{ n = 'Seconds'; e = { '{0:N2}' -f $_.Duration.TotalSeconds } } | Show

    Step '6. Refresh the activity timeline (concurrently: readers are never blocked)'
    Invoke-CrmTimelineRefresh | Show
    $timeline = Get-CrmRowCount customer_activity_timeline -Exact
    Say ("customer_activity_timeline: {0:N0} activities." -f $timeline.Rows)

    Step '7. Lead scores as of 2025-10-15 (set-based; updated_at untouched)'
    Update-CrmLeadScore -AsOf ([DateTimeOffset]'2025-10-15T00:00:00Z') -Confirm:$false | Show
    $dist = Get-CrmLeadScoreDistribution
    $dist | Show
    $scored = ($dist | Measure-Object Customers -Sum).Sum
    $avg = ($dist | ForEach-Object { $_.AverageScore * $_.Customers } | Measure-Object -Sum).Sum / $scored
    $min = ($dist | Where-Object Customers | Measure-Object LowestScore -Minimum).Minimum
    $max = ($dist | Where-Object Customers | Measure-Object HighestScore -Maximum).Maximum
    Say ("{0:N0} customers scored; average {1:N2}, range {2}-{3}. The seed: Hot 20, Warm 653, Cool 1,148, Cold 7,548, average 10.06, range 8-28." -f $scored, $avg, $min, $max)

    Step '8. The hot leads, and the best one''s timeline'
    Get-CrmLeadSegment Hot -Top 10 | Show
    $best = Get-CrmLeadSegment -Top 1
    Say ("Timeline of {0}:" -f $best.FullName)
    $best | Get-CrmCustomerTimeline -Last 10 | Show

    Step '9. Health checks (Test-CrmDatabase)'
    Test-CrmDatabase | Select-Object Check, Passed, Message | Show

    Step '10. The rollback plan, should it be needed (-WhatIf)'
    Undo-CrmMigration -BuiltIn -Count 2 -WhatIf | Select-Object Version, Name, Direction, Status, Statements | Show

    Say ("Demo finished in {0:N1} s." -f $clock.Elapsed.TotalSeconds)
}
finally {
    Remove-Item $tmp -Recurse -Force -ErrorAction SilentlyContinue
    if ($sandbox) { Stop-CrmSandbox $sandbox }
}
