#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks CrmOps.
.DESCRIPTION
    Tasks:
      Build        compile and lay out the module so that Import-Module ./CrmOps.psd1 works, and regenerate
                   the committed reference (docs/commands, tests/README.md) from module/help
      Test         Build, then all xunit and Pester tests; ends with one line "N passed, N failed"
      Demo         Build, then the seed's story on a throwaway sandbox database
      Bench        Build, then the benchmarks (docs/benchmarks.md and docs/benchmarks.json)
      Reliability  Build, then the slow part of tests/Reliability (tag Slow: faults, concurrency); Test runs the rest
      Clean        remove build output
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [string] $Task = 'Build',
    [int] $Customers = 0,
    [string] $Configuration = 'Release',
    # Pester tag filter for Test (e.g. -Tag Discovery)
    [string[]] $Tag,
    # Only these Pester test files (paths or wildcards), for quick local runs
    [string[]] $TestPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Tasks = 'Build', 'Test', 'Demo', 'Bench', 'Reliability', 'Clean'
$Bin = Join-Path $Root 'bin'
$Artifacts = Join-Path $Root 'artifacts'

if ($Task -notin $Tasks) {
    Write-Error -ErrorId 'UnknownTask' -Category InvalidArgument `
        -Message "Unknown task '$Task'. Tasks: $($Tasks -join ', '). Example: dotnet pwsh ./build.ps1 Test"
    exit 2
}

# The pwsh running this script, to start child pwsh processes the same way (dotnet tool or installed).
function Get-PwshCommand {
    $proc = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($proc) -eq 'dotnet') { return @($proc, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($proc)
}

function Test-PostgresBinaries {
    $candidates = @()
    if ($env:CRMOPS_PG_BIN) { $candidates += $env:CRMOPS_PG_BIN }
    $onPath = Get-Command initdb -ErrorAction SilentlyContinue
    if ($onPath) { $candidates += Split-Path $onPath.Source }
    $candidates += @(Get-ChildItem '/usr/lib/postgresql/*/bin' -Directory -ErrorAction SilentlyContinue | ForEach-Object FullName)
    foreach ($c in $candidates) { if (Test-Path (Join-Path $c 'initdb')) { return } }
    Write-Error -ErrorId 'PostgresNotInstalled' -Category NotInstalled -Message (
        "PostgreSQL server binaries (initdb, postgres, pg_ctl) were not found. Install them with:`n" +
        "    sudo apt-get update && sudo apt-get install -y postgresql`n" +
        "(Debian/Ubuntu; on macOS: brew install postgresql@15), or set `$env:CRMOPS_PG_BIN to the folder that holds initdb.")
    exit 3
}

function Invoke-Build {
    # Test builds with -NoDocs: its convention tests compare the committed reference with a fresh one.
    param([switch] $NoDocs)
    $publish = Join-Path $Artifacts 'publish'
    & dotnet publish (Join-Path $Root 'src/CrmOps.PowerShell') -c $Configuration -o $publish --nologo -v quiet /clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { throw "dotnet publish failed ($LASTEXITCODE)." }

    # Module layout: bin/CrmOps.dll (cmdlets) and bin/CrmOps.Model.dll (output types) in the default
    # load context; bin/deps/* (core and its dependencies) in CrmOps' own AssemblyLoadContext;
    # en-US/CrmOps.dll-Help.xml.
    $deps = Join-Path $Bin 'deps'
    if (Test-Path $deps) { Remove-Item (Join-Path $deps '*') -Force }
    New-Item -ItemType Directory -Force -Path $deps | Out-Null
    foreach ($file in Get-ChildItem $publish -File) {
        if ($file.Name -like 'CrmOps.deps.json' -or $file.Name -like 'System.Management.Automation*') { continue }
        $dest = if ($file.BaseName -in 'CrmOps', 'CrmOps.Model') { $Bin } else { $deps }
        Copy-Item $file.FullName -Destination $dest -Force
    }
    # Help (MAML and about_CrmOps) is generated from module/help into <ModuleBase>/en-US, where Get-Help looks;
    # with the docs, docs/commands comes from the same source in the same run.
    $docsArgs = if ($NoDocs) { @{} } else { @{ DocsPath = (Join-Path $Root 'docs/commands') } }
    & (Join-Path $Root 'tools/New-HelpFile.ps1') -ModuleRoot $Root -HelpPath (Join-Path $Root 'en-US') @docsArgs
    Write-Host "Built CrmOps into $Bin"
    if (-not $NoDocs) {
        & (Join-Path $Root 'tools/New-TestIndex.ps1') -Root $Root -OutputPath (Join-Path $Root 'tests/README.md')
        $changed = @(& git -C $Root status --porcelain -- docs/commands tests/README.md 2>$null)
        if ($changed) { Write-Host "The committed reference changed (review, then commit):`n$($changed -join "`n")" }
    }
}

function Invoke-TestTools {
    # Pester 5 (and the conflicting assemblies the isolation test loads) come from NuGet.
    & dotnet restore (Join-Path $Root 'tools/restore.proj') --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'Restoring the test tools (tools/restore.proj) failed.' }
}

function Invoke-Test {
    Test-PostgresBinaries
    Invoke-TestTools
    Invoke-Build -NoDocs
    $results = Join-Path $Artifacts 'test'
    Remove-Item $results -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $pwsh = Get-PwshCommand

    # One empty sandbox serves the xunit tests that need a server (each makes its own database).
    Import-Module (Join-Path $Root 'CrmOps.psd1') -Force
    $sandbox = Start-CrmSandbox -Empty
    $xunitPassed = 0; $xunitFailed = 0
    try {
        $env:CRMOPS_TEST_PG = $sandbox.ConnectionString
        & dotnet test (Join-Path $Root 'tests/CrmOps.Tests') -c $Configuration --nologo `
            --logger 'trx;LogFileName=xunit.trx' --results-directory $results
        $trx = Join-Path $results 'xunit.trx'
        if (Test-Path $trx) {
            [xml] $x = Get-Content $trx -Raw
            $counters = $x.TestRun.ResultSummary.Counters
            $xunitPassed = [int] $counters.passed
            $xunitFailed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        }
        else { $xunitFailed = 1; Write-Warning 'xunit wrote no results: counted as one failure.' }
    }
    finally {
        Remove-Item Env:CRMOPS_TEST_PG -ErrorAction SilentlyContinue
        Stop-CrmSandbox $sandbox
        Remove-Module CrmOps -ErrorAction SilentlyContinue
    }

    # Pester runs in its own pwsh, so the module under test loads fresh.
    $pesterJson = Join-Path $results 'pester.json'
    $runner = Join-Path $Root 'tests/Invoke-PesterSuite.ps1'
    $args = @('-NoProfile', '-File', $runner, '-ResultPath', $pesterJson)
    if ($Tag) { $args += @('-Tag', ($Tag -join ',')) }
    if ($TestPath) { $args += @('-TestPath', ($TestPath -join ',')) }
    else {
        # tests/Pester and the reliability suite's quick part; its slow part (tag Slow) is the Reliability task.
        $paths = @((Join-Path $Root 'tests/Pester'), (Join-Path $Root 'tests/Reliability')) -join ','
        $args += '-TestPath', $paths, '-ExcludeTag', 'Slow'
    }
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) @args
    $pesterPassed = 0; $pesterFailed = 0
    if (Test-Path $pesterJson) {
        $p = Get-Content $pesterJson -Raw | ConvertFrom-Json
        $pesterPassed = [int] $p.Passed; $pesterFailed = [int] $p.Failed
    }
    else { $pesterFailed = 1; Write-Warning 'Pester wrote no results: counted as one failure.' }

    Write-Host "xunit: $xunitPassed passed, $xunitFailed failed; Pester: $pesterPassed passed, $pesterFailed failed"
    $passed = $xunitPassed + $pesterPassed
    $failed = $xunitFailed + $pesterFailed
    Write-Output "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Test-PostgresBinaries
    Invoke-Build
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -File (Join-Path $Root 'tools/Demo.ps1')
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Bench {
    Test-PostgresBinaries
    Invoke-Build
    $pwsh = Get-PwshCommand
    $size = if ($Customers -gt 0) { $Customers } else { 1000000 }
    # A full run writes docs/benchmarks.*; a smaller one (CI's 10k smoke run) writes to artifacts/.
    $out = if ($size -ge 1000000) { Join-Path $Root 'docs' } else { Join-Path $Artifacts 'bench' }
    $runs = if ($size -ge 100000) { 3 } else { 1 }
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -File (Join-Path $Root 'tools/Bench.ps1') -Customers $size -Runs $runs -OutputDirectory $out
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

function Invoke-Reliability {
    Test-PostgresBinaries
    Invoke-TestTools
    Invoke-Build
    $pwsh = Get-PwshCommand
    $json = Join-Path $Artifacts 'test/reliability.json'
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -File (Join-Path $Root 'tests/Invoke-PesterSuite.ps1') `
        -ResultPath $json -TestPath (Join-Path $Root 'tests/Reliability') -Tag Slow
    $p = Get-Content $json -Raw | ConvertFrom-Json
    Write-Output "$($p.Passed) passed, $($p.Failed) failed"
    if ($p.Failed -gt 0) { exit 1 }
}

function Invoke-Clean {
    foreach ($dir in @($Bin, $Artifacts, (Join-Path $Root 'en-US')) + @(Get-ChildItem (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include bin, obj | ForEach-Object FullName)) {
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    }
    Write-Host 'Cleaned.'
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Reliability' { Invoke-Reliability }
    'Clean' { Invoke-Clean }
}
