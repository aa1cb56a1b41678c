#requires -Version 7.4
<#
.SYNOPSIS
    Benchmark section "discovery at scale": Get-CrmDbObject and Get-CrmRowCount on a database with
    5,000 tables (plus Supabase-shaped schemas auth, storage, extensions, graphql), compared with
    psql's \dt+ query. Target: each command under 1 s.
.DESCRIPTION
    Needs psql (to build the database) and a server: -ConnectionString, else $env:CRMOPS_DEV_PG,
    else an empty sandbox (Start-CrmSandbox -Empty) when the module has it. Creates a database
    crmops_bench_discovery (5,000 tables with an identity primary key, every tenth with rows,
    analyzed), measures, drops it. Returns one object per measurement and prints a table.
.EXAMPLE
    dotnet pwsh tools/Bench.Discovery.ps1 -ConnectionString 'Host=127.0.0.1;Port=56103;Username=crmops;Database=postgres'
#>
[CmdletBinding()]
param(
    [string] $ConnectionString = $env:CRMOPS_DEV_PG,
    [int] $Tables = 5000,
    [int] $Repeat = 5,
    [switch] $Keep
)
$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not (Get-Module CrmOps)) { Import-Module (Join-Path $root 'CrmOps.psd1') }
if (-not (Get-Command psql -ErrorAction Ignore)) { throw 'psql is needed to build the benchmark database (apt-get install postgresql-client).' }

$sandbox = $null
if (-not $ConnectionString) {
    if (-not (Get-Command Start-CrmSandbox -ErrorAction Ignore)) { throw 'Give -ConnectionString (or $env:CRMOPS_DEV_PG).' }
    $sandbox = Start-CrmSandbox -Empty
    $ConnectionString = $sandbox.ConnectionString
}
$b = [System.Data.Common.DbConnectionStringBuilder]::new()
$b.set_ConnectionString($ConnectionString)
function Part([string[]] $keys, $default) { foreach ($k in $keys) { if ($b.ContainsKey($k) -and "$($b[$k])") { return "$($b[$k])" } }; $default }
$pgHost = Part 'Host', 'Server' '127.0.0.1'; $pgPort = Part 'Port' '5432'; $pgUser = Part 'Username', 'User Id', 'User' 'postgres'
$admin = Part 'Database' 'postgres'
$db = 'crmops_bench_discovery'
function Invoke-BenchSql([string] $database, [string] $sql, [switch] $Quiet) {
    $out = $sql | & psql -X -q -v ON_ERROR_STOP=1 -h $pgHost -p $pgPort -U $pgUser -d $database 2>&1
    if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
    if (-not $Quiet) { $out }
}

try {
    Invoke-BenchSql $admin "DROP DATABASE IF EXISTS $db WITH (FORCE); CREATE DATABASE $db;" -Quiet
    $build = Measure-Command {
        Invoke-BenchSql $db @"
CREATE SCHEMA auth; CREATE SCHEMA storage; CREATE SCHEMA extensions; CREATE SCHEMA graphql;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
CREATE TABLE storage.objects (id uuid PRIMARY KEY, name text);
DO `$`$
BEGIN
  FOR i IN 1..$Tables LOOP
    EXECUTE format('CREATE TABLE public.t_%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, created_at timestamptz NOT NULL DEFAULT now())', i);
    IF i % 10 = 0 THEN
      EXECUTE format('INSERT INTO public.t_%s (name) SELECT ''n'' || g FROM generate_series(1, %s) g', i, i);
    END IF;
    IF i % 500 = 0 THEN COMMIT; END IF;  -- one transaction would run out of lock slots
  END LOOP;
END `$`$;
ANALYZE;
"@ -Quiet
    }
    Write-Host ("Built {0:N0} tables in {1:N1} s" -f $Tables, $build.TotalSeconds)

    $b['Database'] = $db
    $conn = Connect-CrmDatabase $b.get_ConnectionString() -NoDefault
    $null = Get-CrmDbObject -Type Table -Connection $conn; $null = Get-CrmRowCount -Connection $conn  # warm-up

    # psql's own \dt+ query (psql -E shows it), timed on the server side by \timing.
    $dtQuery = (& psql -X -E -h $pgHost -p $pgPort -U $pgUser -d $db -c '\dt+' 2>$null |
        Out-String) -split '\*{9} QUERY \*{10}' | Select-Object -Skip 1 -First 1
    $dtQuery = ($dtQuery -split '\*{26}')[0]

    $cases = [ordered]@{
        'Get-CrmDbObject -Type Table'                 = { Get-CrmDbObject -Type Table -Connection $conn }
        'Get-CrmDbObject (all kinds)'                 = { Get-CrmDbObject -Type Table, View, MaterializedView, Function, Trigger, Index, Sequence -Connection $conn }
        'Get-CrmRowCount (estimates)'                 = { Get-CrmRowCount -Connection $conn }
        'Get-CrmDbObject -Type Table | Get-CrmRowCount' = { Get-CrmDbObject -Type Table -Connection $conn | Get-CrmRowCount -Connection $conn }
    }
    $results = foreach ($name in $cases.Keys) {
        $times = foreach ($i in 1..$Repeat) {
            $count = 0
            $t = Measure-Command { $count = @(& $cases[$name]).Count }
            $t.TotalMilliseconds
        }
        $sorted = $times | Sort-Object
        [pscustomobject]@{ Case = $name; Objects = $count; MedianMs = [math]::Round($sorted[[int][math]::Floor($sorted.Count / 2)], 1); MaxMs = [math]::Round(($sorted | Select-Object -Last 1), 1); UnderOneSecond = ($sorted[[int][math]::Floor($sorted.Count / 2)] -lt 1000) }
    }
    $psqlTimes = foreach ($i in 1..$Repeat) {
        $out = ("\timing on`n\o /dev/null`n" + $dtQuery) | & psql -X -h $pgHost -p $pgPort -U $pgUser -d $db 2>&1
        [double](([regex]::Match(($out | Out-String), 'Time: ([0-9.]+) ms')).Groups[1].Value)
    }
    $sorted = $psqlTimes | Sort-Object
    $results = @($results) + [pscustomobject]@{ Case = 'psql \dt+ (its query, server time)'; Objects = $Tables; MedianMs = [math]::Round($sorted[[int][math]::Floor($sorted.Count / 2)], 1); MaxMs = [math]::Round(($sorted | Select-Object -Last 1), 1); UnderOneSecond = $null }
    $results | Format-Table -AutoSize | Out-Host
    $results
}
finally {
    if (-not $Keep) { Invoke-BenchSql $admin "DROP DATABASE IF EXISTS $db WITH (FORCE);" -Quiet }
    if ($sandbox) { Stop-CrmSandbox $sandbox }
}
