#requires -Version 7.4
<#
.SYNOPSIS
    Benchmark section "schema drift and diff": Compare-CrmSchema between two databases of the sample CRM's size plus
    5,000 other tables (target under 3 s), the built-in migrations replayed into a throwaway sandbox (target under
    5 s), recording a snapshot (what every migration now adds) and the drift check, beside pg_dump --schema-only of
    the same databases.
.DESCRIPTION
    Starts its own sandbox (the sample CRM, 9,369 customers by default), applies the built-in migrations, measures the
    replay, then adds -Tables tables (identity primary key, three columns, every tenth with an index and a grant) and
    copies the database (CREATE DATABASE ... TEMPLATE) with a few differences: an extra index, a different grant, a
    new column, a changed view. Returns one object per scenario. With -MarkdownPath it writes its section into that
    file (between markers; appended when absent) and its raw figures beside it (benchmarks-schema.json).
    tools/Bench.ps1 runs it as part of build.ps1 Bench; alone (after build.ps1 Build):
        dotnet pwsh tools/Bench.Schema.ps1 -MarkdownPath docs/benchmarks.md
#>
[CmdletBinding()]
param(
    [int] $Customers = 9369,
    [int] $Tables = 5000,
    [int] $Runs = 5,
    [string] $MarkdownPath
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not (Get-Module CrmOps)) { Import-Module (Join-Path $root 'CrmOps.psd1') }
if (-not (Get-Module TestHelpers)) { Import-Module (Join-Path $root 'tests/Pester/TestHelpers.psm1') }
$psql = Get-Psql
$pgDump = Join-Path (Split-Path $psql) 'pg_dump'
if (-not (Test-Path $pgDump)) { $pgDump = (Get-Command pg_dump -ErrorAction Ignore).Source }

function Median([double[]] $values) {
    $s = @($values | Sort-Object)
    if ($s.Count % 2) { return $s[[int][Math]::Floor($s.Count / 2)] }
    ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2
}
function Seconds([scriptblock] $work) { $c = [Diagnostics.Stopwatch]::StartNew(); & $work | Out-Null; $c.Elapsed.TotalSeconds }
function Sql([string] $database, [string] $sql) {
    $out = $sql | & $psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $sandbox.Port -U postgres -d $database -tA 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
    $out
}

$results = [System.Collections.Generic.List[object]]::new()
function Add-Scenario([string] $Scenario, [double[]] $Times, [string] $Target, [Nullable[double]] $Limit, [string] $Reference = '', [double[]] $ReferenceTimes = @(), [string] $Note = '') {
    $m = Median $Times
    $r = if ($ReferenceTimes.Count) { Median $ReferenceTimes } else { $null }
    $results.Add([pscustomobject]@{
            Scenario = $Scenario; Seconds = $m; Runs = $Times.Count; Target = $Target; Pass = ($null -eq $Limit -or $m -lt $Limit)
            Reference = $Reference; ReferenceSeconds = $r; Note = $Note; All = $Times
        })
    Write-Host ("{0,-90} {1,8:N3} s  {2}" -f $Scenario, $m, $(if ($null -eq $Limit) { '' } elseif ($m -lt $Limit) { 'pass' } else { 'MISS' }))
}

# The machine's load (1-minute average) before and after: on a shared machine it explains slow figures.
function Get-Load { if (Test-Path /proc/loadavg) { [double]((Get-Content /proc/loadavg -Raw).Split(' ')[0]) } else { $null } }
$loadBefore = Get-Load
$sandbox = $null
$tmp = Join-Path ([IO.Path]::GetTempPath()) "crmops-bench-schema-$PID"
try {
    $sandbox = Start-CrmSandbox -Customers $Customers -NoDefault
    Invoke-CrmMigration -BuiltIn -Connection $sandbox -Confirm:$false | Out-Null

    # 1. The built-in migrations replayed into a throwaway sandbox, compared with the migrated database.
    $replay = @(); $replayOnly = @(); $found = @()
    foreach ($i in 1..$Runs) {
        $replay += Seconds { $script:out = @(Compare-CrmSchema -BuiltIn -Connection $sandbox -Verbose 4>&1) }
        $found = @($out | Where-Object { $_ -is [CrmOps.CrmSchemaDifference] })
        $line = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Replayed*onto*' })[-1].Message
        $replayOnly += [double]([regex]::Match($line, ' in ([0-9.]+) s').Groups[1].Value)
    }
    if ($found.Count -ne 0) { throw "The replay of the built-in set differs from the migrated database ($($found.Count) differences)." }
    Add-Scenario 'Compare-CrmSchema -BuiltIn: replay the built-in migrations into a throwaway sandbox, compare' $replay 'under 5 s' 5 `
        -Note ("of which the replay (cluster start, sample schema, migrations, snapshot, stop): {0:N2} s" -f (Median $replayOnly))

    # 2. 5,000 more tables, then a copy of the database with a few differences.
    Sql 'crm' @"
CREATE ROLE bench_reader;
DO `$`$
BEGIN
  FOR i IN 1..$Tables LOOP
    EXECUTE format('CREATE TABLE public.t_%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, created_at timestamptz NOT NULL DEFAULT now())', i);
    IF i % 10 = 0 THEN
      EXECUTE format('CREATE INDEX t_%s_created ON public.t_%s (created_at)', i, i);
      EXECUTE format('GRANT SELECT ON public.t_%s TO bench_reader', i);
    END IF;
    IF i % 500 = 0 THEN COMMIT; END IF;
  END LOOP;
END `$`$;
"@ | Out-Null
    Sql 'postgres' "select pg_terminate_backend(pid) from pg_stat_activity where datname = 'crm' and pid <> pg_backend_pid(); create database crm_b template crm;" | Out-Null
    Sql 'crm_b' @"
CREATE INDEX customer_emails_created_at ON customer_emails (created_at);
GRANT UPDATE ON public.t_10 TO bench_reader;
ALTER TABLE customer_profiles ADD COLUMN notes text;
"@ | Out-Null
    Sql 'crm_b' "CREATE OR REPLACE VIEW customers_flat_v AS $((Sql 'crm_b' "select pg_get_viewdef('customers_flat_v'::regclass)") -join ' ' -replace ';\s*$', '') LIMIT 1000000;" | Out-Null
    $b = Connect-CrmDatabase "Host=127.0.0.1;Port=$($sandbox.Port);Username=postgres;Database=crm_b" -NoDefault
    $a = Connect-CrmDatabase $sandbox.ConnectionString -NoDefault
    $objects = (Get-CrmSchemaSnapshot -Live -Connection $a).Objects
    $null = Compare-CrmSchema -Reference $a -Difference $b  # warm-up
    $two = @(); $dump = @()
    foreach ($i in 1..$Runs) {
        $two += Seconds { $script:found = @(Compare-CrmSchema -Reference $a -Difference $b) }
        $dump += Seconds {
            foreach ($db in 'crm', 'crm_b') {
                & $pgDump --schema-only -h 127.0.0.1 -p $sandbox.Port -U postgres -d $db -f /dev/null
                if ($LASTEXITCODE -ne 0) { throw "pg_dump failed on $db" }
            }
        }
    }
    $kinds = ($found | Group-Object ObjectType | ForEach-Object { "$($_.Count) $($_.Name)" }) -join ', '
    if ($found.Count -ne 4) { throw "Expected the 4 differences made on purpose, found $($found.Count): $kinds" }
    Add-Scenario ("Compare-CrmSchema -Reference -Difference: two databases, the sample CRM plus {0:N0} tables ({1:N0} objects each)" -f $Tables, $objects) $two 'under 3 s' 3 `
        -Reference 'pg_dump --schema-only of both databases' -ReferenceTimes $dump -Note "finds exactly the 4 differences made: $kinds"

    # 3. What each migration now also does: record a snapshot (here through -Baseline), and the drift check.
    $record = @(); $drift = @(); $check = @()
    foreach ($i in 1..$Runs) {
        $record += Seconds { Set-CrmMigrationState -Baseline -Connection $b -Confirm:$false }
        $drift += Seconds { $script:found = @(Compare-CrmSchema -Connection $b) }
        $check += Seconds { Test-CrmDatabase -Connection $b }
    }
    if ($found.Count -ne 0) { throw "Drift right after a baseline: $($found.Count) differences." }
    $size = Sql 'crm_b' 'select octet_length(snapshot) from supabase_migrations.crmops_schema_snapshots order by id desc limit 1'
    Add-Scenario ("Recording a schema snapshot (Set-CrmMigrationState -Baseline; every migration does the same) on {0:N0} objects" -f $objects) $record 'record the cost' $null `
        -Note ("{0:N0} KB stored (gzip JSON)" -f ([double]$size / 1024))
    Add-Scenario ("Compare-CrmSchema (drift: the recorded snapshot against the live schema) on {0:N0} objects" -f $objects) $drift 'under 3 s' 3
    Add-Scenario 'Test-CrmDatabase (all checks, SchemaMatchesMigrations among them), same database' $check 'record the cost' $null
}
finally {
    if ($sandbox) { Stop-CrmSandbox $sandbox -Confirm:$false }
}

$loadAfter = Get-Load
if ($MarkdownPath) {
    $md = [System.Text.StringBuilder]::new()
    [void]$md.AppendLine('<!-- bench:schema:start -->')
    [void]$md.AppendLine('## Schema drift and diff')
    [void]$md.AppendLine()
    [void]$md.AppendLine(("Generated by ``tools/Bench.Schema.ps1`` (part of ``build.ps1 Bench``) on {0:yyyy-MM-dd} ({1} cores): the sample CRM ({2:N0} customers, built-in migrations applied) plus {3:N0} tables, median of {4} runs{5}. Raw figures: [benchmarks-schema.json](benchmarks-schema.json)." -f (Get-Date), [Environment]::ProcessorCount, $Customers, $Tables, $Runs,
        $(if ($null -ne $loadBefore) { "; load average {0:N1} before, {1:N1} after (other work on the machine)" -f $loadBefore, $loadAfter } else { '' })))
    [void]$md.AppendLine()
    [void]$md.AppendLine('| scenario | CrmOps median | reference | reference median | target | result | note |')
    [void]$md.AppendLine('|---|---|---|---|---|---|---|')
    foreach ($r in $results) {
        [void]$md.AppendLine(('| {0} | {1:N3} s | {2} | {3} | {4} | {5} | {6} |' -f $r.Scenario, $r.Seconds, $(if ($r.Reference) { $r.Reference } else { '-' }),
            $(if ($null -ne $r.ReferenceSeconds) { '{0:N3} s' -f $r.ReferenceSeconds } else { '-' }), $r.Target, $(if ($r.Pass) { 'pass' } else { '**miss**' }), $r.Note))
    }
    [void]$md.AppendLine('<!-- bench:schema:end -->')
    $section = $md.ToString().TrimEnd()
    $existing = if (Test-Path $MarkdownPath) { Get-Content $MarkdownPath -Raw } else { "# CrmOps benchmarks`n" }
    $pattern = '(?s)<!-- bench:schema:start -->.*?<!-- bench:schema:end -->'
    $text = if ($existing -match $pattern) { [regex]::Replace($existing, $pattern, { $section }) } else { $existing.TrimEnd() + "`n`n" + $section + "`n" }
    Set-Content $MarkdownPath $text -NoNewline
    $results | Select-Object Scenario, Seconds, All, Target, Pass, Reference, ReferenceSeconds, Note | ConvertTo-Json -Depth 4 |
        Set-Content (Join-Path (Split-Path $MarkdownPath) 'benchmarks-schema.json')
    Write-Host "Wrote the schema section of $MarkdownPath"
}
$results
