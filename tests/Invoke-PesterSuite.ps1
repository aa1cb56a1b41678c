#requires -Version 7.4
<#
.SYNOPSIS
    Runs CrmOps' Pester tests (Pester 5 restored from NuGet) and writes the counts as JSON; exits 1
    when anything failed (build.ps1 checks both).
#>
param(
    [Parameter(Mandatory)] [string] $ResultPath,
    [string] $Tag,
    # Tags to leave out (the default Test run leaves out 'Slow': build.ps1 Reliability runs those)
    [string] $ExcludeTag,
    [string] $TestPath,
    # The sandbox shape the suites start (Start-TestSandbox reads CRMOPS_TEST_SHAPE): PostgreSQL or Supabase
    [ValidateSet('PostgreSQL', 'Supabase')]
    [string] $Shape = 'PostgreSQL'
)
$env:CRMOPS_TEST_SHAPE = $Shape
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Pester/TestHelpers.psm1') -Force
$pester = Join-Path (Get-NuGetPackageRoot) 'pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path $pester)) { throw "Pester 5.7.1 is not restored ($pester). Run: dotnet restore tools/restore.proj" }
Import-Module $pester -Force

$config = New-PesterConfiguration
$config.Run.Path = if ($TestPath) { $TestPath -split ',' } else { @(Join-Path $PSScriptRoot 'Pester') }
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
Write-Host "Sandbox shape: $Shape"
if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag -split ',' }
$result = Invoke-Pester -Configuration $config

$summary = [ordered]@{
    Passed  = $result.PassedCount
    # A failing BeforeAll/AfterAll or a file that does not load counts as a failure too.
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount
    NotRun  = $result.NotRunCount
}
New-Item -ItemType Directory -Force -Path (Split-Path $ResultPath) | Out-Null
$summary | ConvertTo-Json | Set-Content $ResultPath
if ($summary.Failed -gt 0) { exit 1 }
exit 0
