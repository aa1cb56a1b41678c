#requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks CrmOps.
.DESCRIPTION
    Tasks:
      Build        compile and lay out the module so that Import-Module ./CrmOps.psd1 works, and regenerate
                   the committed reference (docs/commands, tests/README.md) from module/help
      Test         Build, then all xunit and Pester tests; ends with one line "N passed, N failed, N skipped"
      Package      Build, then stage the installable module in artifacts/CrmOps/<version>/ and publish it to the
                   local repository folder artifacts/packages/ (CrmOps.<version>.nupkg)
      PackageTest  Package, then tests/Package: install, import by name from elsewhere, update, uninstall
      Demo         Build, then the seed's story on a throwaway sandbox database
      Bench        Build, then the benchmarks (docs/benchmarks.md and docs/benchmarks.json)
      Reliability  Build, then the slow part of tests/Reliability (tag Slow: faults, concurrency); Test runs the rest
      Clean        remove build output

    The summary counts everything that did not pass as failed: a failing test, a test host that
    crashed or aborted (a non-zero exit of dotnet test, a run outcome other than Completed, fewer
    results than discovered tests), a Pester block or file that failed, a child that exited non-zero,
    and a full run counting fewer tests than tests/minimum-test-count. With CI=true (.ci/run), a test
    whose dependency .ci/run installs (pgbouncer) fails instead of skipping when it is missing.
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
    [string[]] $TestPath,
    # Test: only one half of the suite (the self-tests in tests/Pester/TestHarness.Tests.ps1 run each half alone)
    [ValidateSet('All', 'Xunit', 'Pester')]
    [string] $Suite = 'All',
    # Test, Reliability: use the build in place instead of building (the self-tests run build.ps1 inside a test run)
    [switch] $NoBuild,
    # Test, Reliability: where the result files go (default artifacts/test)
    [string] $ResultsDirectory,
    # Test, Reliability: the floor file (default tests/minimum-test-count)
    [string] $MinimumTestCountPath,
    # Test/Reliability: the sandbox shapes to run the suites against (All: vanilla PostgreSQL, then the
    # Supabase-shaped sandbox for the suites listed in $SupabaseSuites)
    [ValidateSet('All', 'PostgreSQL', 'Supabase')]
    [string] $Shape = 'All',
    # Package: build this version (1.2.3 or 1.2.3-beta1) instead of CrmOps.psd1's, for test and nightly packages
    [string] $Version,
    # Package: the folder that receives CrmOps/<version>/ and packages/ (default: artifacts)
    [string] $OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Tasks = 'Build', 'Test', 'Package', 'PackageTest', 'Demo', 'Bench', 'Reliability', 'Clean'
$Bin = Join-Path $Root 'bin'
$Artifacts = Join-Path $Root 'artifacts'
# The suites that run a second time against Start-CrmSandbox -Supabase (CRMOPS_TEST_SHAPE=Supabase): discovery,
# migrations, operations and the reliability suite. (tests/Pester/Supabase.Tests.ps1 starts its own Supabase sandboxes.)
$SupabaseSuites = @('tests/Pester/Discovery.Tests.ps1', 'tests/Pester/Migrations.Tests.ps1', 'tests/Pester/Operations.Tests.ps1', 'tests/Reliability')

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

# Module layout: bin/CrmOps.dll (cmdlets) and bin/CrmOps.Model.dll (output types) in the default
# load context; bin/deps/* (core and its dependencies) in CrmOps' own AssemblyLoadContext.
function Copy-ModuleAssembly {
    param([string] $Publish, [string] $Destination, [switch] $NoSymbols)
    $deps = Join-Path $Destination 'deps'
    if (Test-Path $deps) { Remove-Item (Join-Path $deps '*') -Force }
    New-Item -ItemType Directory -Force -Path $deps | Out-Null
    foreach ($file in Get-ChildItem $Publish -File) {
        if ($file.Name -like 'CrmOps.deps.json' -or $file.Name -like 'System.Management.Automation*') { continue }
        if ($NoSymbols -and $file.Extension -eq '.pdb') { continue }
        $dest = if ($file.BaseName -in 'CrmOps', 'CrmOps.Model') { $Destination } else { $deps }
        Copy-Item $file.FullName -Destination $dest -Force
    }
}

function Invoke-Build {
    # Test builds with -NoDocs: its convention tests compare the committed reference with a fresh one.
    param([switch] $NoDocs)
    $publish = Join-Path $Artifacts 'publish'
    & dotnet publish (Join-Path $Root 'src/CrmOps.PowerShell') -c $Configuration -o $publish --nologo -v quiet /clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { throw "dotnet publish failed ($LASTEXITCODE)." }

    Copy-ModuleAssembly -Publish $publish -Destination $Bin
    # Every table view again with a Connection column, for output of several databases (committed; Test checks it).
    if (-not $NoDocs) { & (Join-Path $Root 'tools/New-DatabaseViews.ps1') -ModuleRoot $Root }
    # Help (MAML and about_CrmOps) is generated from module/help into <ModuleBase>/en-US, where Get-Help looks;
    # with the docs, docs/commands comes from the same source in the same run.
    $docsArgs = if ($NoDocs) { @{} } else { @{ DocsPath = (Join-Path $Root 'docs/commands') } }
    # en-US/ holds only what this build generates (the package ships it whole): no stale topic survives a rename.
    Remove-Item (Join-Path $Root 'en-US') -Recurse -Force -ErrorAction SilentlyContinue
    & (Join-Path $Root 'tools/New-HelpFile.ps1') -ModuleRoot $Root -HelpPath (Join-Path $Root 'en-US') @docsArgs
    Write-Host "Built CrmOps into $Bin"
    if (-not $NoDocs) {
        & (Join-Path $Root 'tools/New-TestIndex.ps1') -Root $Root -OutputPath (Join-Path $Root 'tests/README.md')
        $changed = @(& git -C $Root status --porcelain -- docs/commands tests/README.md module/formats/Databases.Format.ps1xml 2>$null)
        if ($changed) { Write-Host "The committed reference changed (review, then commit):`n$($changed -join "`n")" }
    }
}

function Invoke-TestTools {
    # Pester 5 (and the conflicting assemblies the isolation test loads) come from NuGet.
    & dotnet restore (Join-Path $Root 'tools/restore.proj') --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'Restoring the test tools (tools/restore.proj) failed.' }
}

# The floors of tests/minimum-test-count ("<part> <count>" lines): a full run of a part that counts fewer
# tests (passed + failed + skipped) fails, so that tests cannot vanish unnoticed.
function Get-MinimumTestCount([string] $Part) {
    $file = if ($MinimumTestCountPath) { $MinimumTestCountPath } else { Join-Path $Root 'tests/minimum-test-count' }
    foreach ($line in Get-Content $file) {
        if ($line -match "^\s*$Part\s+(\d+)\s*$") { return [int] $Matches[1] }
    }
    throw "$file has no floor for '$Part'."
}

# One part's counts. Failed includes every way the part did not pass.
function New-PartResult([string] $Name) { [pscustomobject]@{ Name = $Name; Passed = 0; Failed = 0; Skipped = 0 } }

function Add-Failure($Result, [int] $Count, [string] $Why) {
    $Result.Failed += $Count
    Write-Warning "$($Result.Name): $Why (counted as $Count failure(s))."
}

function Test-Floor($Result, [string] $Part) {
    $floor = Get-MinimumTestCount $Part
    $total = $Result.Passed + $Result.Failed + $Result.Skipped
    if ($total -lt $floor) { Add-Failure $Result 1 "counted $total tests, fewer than the floor of $floor in tests/minimum-test-count" }
}

function Invoke-XunitPart([string] $Results) {
    $r = New-PartResult 'xunit'
    # The HostCrash category (a test that kills the test host) runs only in the self-test that asks for it.
    [string[]] $filter = if ($env:CRMOPS_TEST_FAILFAST -eq '1') { @() } else { '--filter', 'Category!=HostCrash' }
    $project = Join-Path $Root 'tests/CrmOps.Tests'
    [string[]] $build = if ($NoBuild) { '--no-build' } else { @() }
    $listed = & dotnet test $project -c $Configuration --nologo @build --list-tests @filter 2>&1
    if ($LASTEXITCODE -ne 0) { $listed | Write-Host; Add-Failure $r 1 "discovering the tests failed (dotnet test --list-tests exited $LASTEXITCODE)"; return $r }
    $discovered = @($listed | Select-Object -Skip 1 | Where-Object { $_ -match '^\s{4}\S' }).Count

    # One empty sandbox serves the xunit tests that need a server (each makes its own database).
    Import-Module (Join-Path $Root 'CrmOps.psd1') -Force
    $sandbox = Start-CrmSandbox -Empty -NoDefault -ProgressAction SilentlyContinue
    $exit = 0
    try {
        $env:CRMOPS_TEST_PG = $sandbox.ConnectionString
        & dotnet test $project -c $Configuration --nologo --no-build @filter `
            --logger 'trx;LogFileName=xunit.trx' --results-directory $Results | Out-Host
        $exit = $LASTEXITCODE
    }
    finally {
        Remove-Item Env:CRMOPS_TEST_PG -ErrorAction SilentlyContinue
        Stop-CrmSandbox $sandbox
        Remove-Module CrmOps -ErrorAction SilentlyContinue
    }

    $trx = Join-Path $Results 'xunit.trx'
    if (-not (Test-Path $trx)) { Add-Failure $r ([Math]::Max(1, $discovered)) "wrote no results (dotnet test exited $exit)"; return $r }
    [xml] $x = Get-Content $trx -Raw
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    # Count the results themselves: VSTest's counters leave skipped tests out and count errors, timeouts and aborts as 0.
    foreach ($result in Select-Xml -Xml $x -XPath '//t:Results/t:UnitTestResult' -Namespace $ns) {
        switch ($result.Node.outcome) {
            'Passed' { $r.Passed++ }
            'NotExecuted' { $r.Skipped++ }
            default { $r.Failed++ }
        }
    }
    $outcome = (Select-Xml -Xml $x -XPath '//t:ResultSummary' -Namespace $ns).Node.outcome
    $missing = $discovered - ($r.Passed + $r.Failed + $r.Skipped)
    $runInfo = @(Select-Xml -Xml $x -XPath '//t:RunInfo/t:Text' -Namespace $ns | ForEach-Object { ($_.Node.InnerText -split "`n")[0] })
    if ($missing -gt 0) { Add-Failure $r $missing "$missing of $discovered discovered tests have no result (the test host crashed or aborted: $($runInfo -join ' '))" }
    if (($exit -ne 0 -or $outcome -ne 'Completed') -and $r.Failed -eq 0) {
        Add-Failure $r 1 "dotnet test exited $exit with run outcome '$outcome' although no test failed ($($runInfo -join ' '))"
    }
    Test-Floor $r 'xunit'
    $r
}

# Runs tests/Invoke-PesterSuite.ps1 in a fresh pwsh (the module under test loads fresh) and reads its counts.
function Invoke-PesterPart([string] $Name, [string] $Json, [string[]] $Arguments, [string] $Floor) {
    $r = New-PartResult $Name
    Remove-Item $Json -Force -ErrorAction SilentlyContinue   # an old result file must never be read as this run's
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -File (Join-Path $Root 'tests/Invoke-PesterSuite.ps1') -ResultPath $Json @Arguments | Out-Host
    $exit = $LASTEXITCODE
    if (-not (Test-Path $Json)) { Add-Failure $r 1 "wrote no results (exit $exit)"; return $r }
    $p = Get-Content $Json -Raw | ConvertFrom-Json
    $r.Passed = [int] $p.Passed; $r.Failed = [int] $p.Failed; $r.Skipped = [int] $p.Skipped
    if ($exit -ne 0 -and $r.Failed -eq 0) { Add-Failure $r 1 "the Pester run exited $exit although no test failed" }
    if ($Floor) { Test-Floor $r $Floor }
    $r
}

function Get-ResultsDirectory {
    $results = if ($ResultsDirectory) { $ResultsDirectory } else { Join-Path $Artifacts 'test' }
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $results
}

function Write-Summary($Parts) {
    Write-Host (($Parts | ForEach-Object { "$($_.Name): $($_.Passed) passed, $($_.Failed) failed, $($_.Skipped) skipped" }) -join '; ')
    $passed = ($Parts | Measure-Object Passed -Sum).Sum
    $failed = ($Parts | Measure-Object Failed -Sum).Sum
    $skipped = ($Parts | Measure-Object Skipped -Sum).Sum
    Write-Output "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Test {
    Test-PostgresBinaries
    if (-not $NoBuild) { Invoke-TestTools; Invoke-Build -NoDocs }
    $results = Get-ResultsDirectory
    Remove-Item (Join-Path $results 'xunit.trx'), (Join-Path $results 'pester*.json') -Force -ErrorAction SilentlyContinue
    $parts = @()
    if ($Suite -in 'All', 'Xunit') { $parts += Invoke-XunitPart $results }
    if ($Suite -in 'All', 'Pester') {
        # Once per sandbox shape (-Shape): the Supabase pass runs only $SupabaseSuites.
        foreach ($shape in Get-Shapes) {
            $arguments = @('-Shape', $shape)
            if ($Tag) { $arguments += @('-Tag', ($Tag -join ',')) }
            if ($TestPath) {
                # A focused run: the Supabase pass takes only the given files that belong to its suites.
                $paths = @($TestPath | ForEach-Object { [IO.Path]::GetFullPath($_, $Root) })
                if ($shape -eq 'Supabase' -and $Shape -eq 'All') {
                    $suites = $SupabaseSuites | ForEach-Object { Join-Path $Root $_ }
                    $paths = @($paths | Where-Object { $p = $_; $suites | Where-Object { $p.StartsWith($_, [StringComparison]::Ordinal) } })
                    if ($paths.Count -eq 0) { continue }
                }
                $arguments += @('-TestPath', ($paths -join ','))
            }
            else {
                # tests/Pester and the reliability suite's quick part; its slow part (tag Slow) is the Reliability task.
                $paths = if ($shape -eq 'Supabase') { $SupabaseSuites | ForEach-Object { Join-Path $Root $_ } }
                         else { @((Join-Path $Root 'tests/Pester'), (Join-Path $Root 'tests/Reliability')) }
                $arguments += '-TestPath', ($paths -join ','), '-ExcludeTag', 'Slow'
            }
            $floor = if (-not $Tag -and -not $TestPath) { Get-FloorName 'pester' $shape } else { $null }
            Write-Host "Pester against the $shape-shaped sandbox"
            $parts += Invoke-PesterPart "Pester ($shape)" (Join-Path $results "pester-$($shape.ToLowerInvariant()).json") $arguments $floor
        }
    }
    Write-Summary $parts
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
    $bench = { param($n, $runs, $out, [switch] $SkipFixed)
        $extra = if ($SkipFixed) { @('-SkipFixed') } else { @() }
        & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -File (Join-Path $Root 'tools/Bench.ps1') -Customers $n -Runs $runs -OutputDirectory $out @extra
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
    if ($size -gt 1000000) {
        # Beyond a million: the million first, then the large size (once: a run takes hours), in one go so that both
        # meet the same machine; docs/benchmarks.md shows them side by side with the growth per customer.
        $small = Join-Path $Artifacts 'bench/1m'; $large = Join-Path $Artifacts "bench/$size"
        & $bench 1000000 3 $small
        & $bench $size 1 $large -SkipFixed
        $docs = Join-Path $Root 'docs'
        Copy-Item (Join-Path $small 'benchmarks.json') (Join-Path $docs 'benchmarks-1M.json') -Force
        Copy-Item (Join-Path $large 'benchmarks.json') (Join-Path $docs 'benchmarks.json') -Force
        & (Join-Path $Root 'tools/Bench.Report.ps1') -Json (Join-Path $docs 'benchmarks-1M.json'), (Join-Path $docs 'benchmarks.json') -OutputPath (Join-Path $docs 'benchmarks.md')
        return
    }
    # A full run writes docs/benchmarks.*; a smaller one (CI's 10k smoke run) writes to artifacts/.
    $out = if ($size -ge 1000000) { Join-Path $Root 'docs' } else { Join-Path $Artifacts 'bench' }
    $runs = if ($size -ge 100000) { 3 } else { 1 }
    & $bench $size $runs $out
}

function Invoke-Reliability {
    Test-PostgresBinaries
    if (-not $NoBuild) { Invoke-TestTools; Invoke-Build }
    $parts = @(foreach ($shape in Get-Shapes) {
        $json = Join-Path (Get-ResultsDirectory) "reliability-$($shape.ToLowerInvariant()).json"
        Invoke-PesterPart "Reliability ($shape)" $json @('-TestPath', (Join-Path $Root 'tests/Reliability'), '-Tag', 'Slow', '-Shape', $shape) (Get-FloorName 'reliability' $shape)
    })
    Write-Summary $parts
}

# The sandbox shapes a Test or Reliability run covers (-Shape).
function Get-Shapes {
    switch ($Shape) { 'All' { 'PostgreSQL', 'Supabase' } default { $Shape } }
}

# The floor of a part for a shape: pester, pester-supabase, reliability, reliability-supabase.
function Get-FloorName([string] $Part, [string] $Shape) {
    if ($Shape -eq 'Supabase') { "$Part-supabase" } else { $Part }
}

# The version to build: CrmOps.psd1's ModuleVersion and PSData.Prerelease (the one place it is defined;
# Directory.Build.props reads the same two values for the assemblies), or -Version for a test or nightly package.
function Get-ModuleVersion {
    if ($Version) {
        if ($Version -notmatch '^(\d+\.\d+\.\d+)(?:-([0-9A-Za-z]+))?$') {
            Write-Error -ErrorId 'BadVersion' -Category InvalidArgument -ErrorAction Continue `
                -Message "-Version '$Version' is not major.minor.patch with an optional -prerelease of letters and digits (1.2.3, 1.2.3-beta1)."
            exit 2
        }
        $prefix = $Matches[1]; $prerelease = "$($Matches[2])"
    }
    else {
        $manifest = Import-PowerShellDataFile (Join-Path $Root 'CrmOps.psd1')
        $prefix = $manifest.ModuleVersion
        $prerelease = "$($manifest.PrivateData.PSData['Prerelease'])"
    }
    [pscustomobject]@{
        Prefix     = $prefix
        Prerelease = $prerelease
        Full       = if ($prerelease) { "$prefix-$prerelease" } else { $prefix }
    }
}

# CHANGELOG.md's section for this version (heading included), or its [Unreleased] section when the version has none.
function Get-ReleaseNote([string] $FullVersion) {
    $changelog = Get-Content (Join-Path $Root 'CHANGELOG.md') -Raw
    $sections = [regex]::Matches($changelog, '(?ms)^## \[(?<v>[^\]]+)\][^\n]*\n.*?(?=^## \[|\z)')
    $section = @($sections | Where-Object { $_.Groups['v'].Value -eq $FullVersion }) +
        @($sections | Where-Object { $_.Groups['v'].Value -eq 'Unreleased' }) | Select-Object -First 1
    if (-not $section) { throw "CHANGELOG.md has neither a '## [$FullVersion]' nor a '## [Unreleased]' section." }
    $section.Value.Trim()
}

# Stages the module as it is installed (<name>/<version>/ holding only what it loads and ships) and publishes it
# to the local repository folder packages/ as CrmOps.<version>.nupkg, with PSResourceGet.
function Invoke-Package {
    $v = Get-ModuleVersion
    Invoke-Build -NoDocs   # the help (en-US/) comes from the built module; packaging leaves the committed docs alone
    $out = if ($OutputPath) { [IO.Path]::GetFullPath($OutputPath, (Get-Location).ProviderPath) } else { $Artifacts }
    $stage = Join-Path $out "CrmOps/$($v.Prefix)"
    $packages = Join-Path $out 'packages'

    # The assemblies, compiled with the package's version (the same as bin/'s unless -Version says otherwise),
    # with intermediate files of their own so that a -Version build leaves the projects' obj/ to bin/'s build.
    $publish = Join-Path $Artifacts 'package-build/publish'
    Remove-Item $publish -Recurse -Force -ErrorAction SilentlyContinue
    & dotnet publish (Join-Path $Root 'src/CrmOps.PowerShell') -c $Configuration -o $publish --nologo -v quiet /clp:ErrorsOnly `
        --artifacts-path (Join-Path $Artifacts 'package-build/obj') "-p:VersionPrefix=$($v.Prefix)" "-p:VersionSuffix=$($v.Prerelease)"
    if ($LASTEXITCODE -ne 0) { throw "dotnet publish failed ($LASTEXITCODE)." }

    Remove-Item $stage -Recurse -Force -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path $stage | Out-Null
    Copy-ModuleAssembly -Publish $publish -Destination (Join-Path $stage 'bin') -NoSymbols
    $manifest = Import-PowerShellDataFile (Join-Path $Root 'CrmOps.psd1')
    $files = @($manifest.FormatsToProcess) + @($manifest.TypesToProcess) + 'LICENSE', 'README.md', 'CHANGELOG.md'
    foreach ($f in $files) {
        $dest = Join-Path $stage $f
        New-Item -ItemType Directory -Force -Path (Split-Path $dest) | Out-Null
        Copy-Item (Join-Path $Root $f) -Destination $dest
    }
    foreach ($dir in 'module/migrations', 'en-US') {
        New-Item -ItemType Directory -Force -Path (Join-Path $stage (Split-Path $dir)) | Out-Null
        Copy-Item (Join-Path $Root $dir) -Destination (Join-Path $stage $dir) -Recurse
    }

    # The packaged manifest: the version built, the prerelease label if any, this version's release notes.
    $quote = { param($s) "'" + ($s -replace "(['\u2018\u2019\u201A\u201B])", '$1$1') + "'" }
    $text = Get-Content (Join-Path $Root 'CrmOps.psd1') -Raw
    $text = $text -replace "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`${1}'$($v.Prefix)'"
    $text = $text -replace "(?m)^\s*Prerelease\s*=.*\r?\n", ''
    $insert = "`n            ReleaseNotes = $(& $quote (Get-ReleaseNote $v.Full))"
    if ($v.Prerelease) { $insert += "`n            Prerelease = '$($v.Prerelease)'" }
    # (an evaluator, not a replacement pattern: release notes may hold '$_' or '$1')
    $text = [regex]::Replace($text, '(?m)^\s*PSData\s*=\s*@\{[ \t]*(?=\r?\n)', { param($m) $m.Value + $insert })
    $stagedManifest = Join-Path $stage 'CrmOps.psd1'
    Set-Content -Path $stagedManifest -Value $text -NoNewline

    # Checks before publishing: the manifest is valid and says what was built, the assemblies carry the same version.
    $test = Test-ModuleManifest $stagedManifest
    $data = Import-PowerShellDataFile $stagedManifest
    if ("$($test.Version)" -ne $v.Prefix -or "$($data.PrivateData.PSData['Prerelease'])" -ne $v.Prerelease -or -not $data.PrivateData.PSData.ReleaseNotes) {
        throw "The staged manifest does not carry version $($v.Full) and release notes."
    }
    foreach ($dll in Get-ChildItem (Join-Path $stage 'bin') -Recurse -Filter 'CrmOps*.dll') {
        $info = [Diagnostics.FileVersionInfo]::GetVersionInfo($dll.FullName)
        $assembly = [Reflection.AssemblyName]::GetAssemblyName($dll.FullName).Version
        if ("$assembly" -ne "$($v.Prefix).0" -or $info.FileVersion -ne "$($v.Prefix).0" -or ($info.ProductVersion -split '\+')[0] -ne $v.Full) {
            throw "$($dll.Name) carries version $assembly (file $($info.FileVersion), product $($info.ProductVersion)), not $($v.Full)."
        }
    }

    # Publish to the local repository folder through a repository registered for this run only.
    New-Item -ItemType Directory -Force -Path $packages | Out-Null
    $nupkg = Join-Path $packages "CrmOps.$($v.Full).nupkg"
    Remove-Item $nupkg -Force -ErrorAction SilentlyContinue
    $repository = 'CrmOpsBuild-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    Register-PSResourceRepository -Name $repository -Uri $packages -Trusted
    try { Publish-PSResource -Path $stage -Repository $repository }
    finally { Unregister-PSResourceRepository -Name $repository }
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource did not write $nupkg." }
    $count = @(Get-ChildItem $stage -File -Recurse).Count
    Write-Host "Packaged CrmOps $($v.Full) ($count files staged in $stage): $nupkg"
}

function Invoke-PackageTest {
    Test-PostgresBinaries
    Invoke-TestTools
    Invoke-Package
    $json = Join-Path (Get-ResultsDirectory) 'package.json'
    $part = Invoke-PesterPart 'PackageTest' $json @('-TestPath', (Join-Path $Root 'tests/Package')) 'package'
    Write-Summary @($part)
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
    'Package' { Invoke-Package }
    'PackageTest' { Invoke-PackageTest }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Reliability' { Invoke-Reliability }
    'Clean' { Invoke-Clean }
}
