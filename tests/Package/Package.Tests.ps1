#requires -Version 7.4
# The package, installed the way a DBA installs it: Install-PSResource from a repository (a local folder here),
# then Import-Module CrmOps by name in a fresh pwsh started elsewhere. Every PSResourceGet command and every
# child pwsh runs with a throwaway HOME, so the repository registration and the CurrentUser module path
# ($HOME/.local/share/powershell/Modules) are the test's own. build.ps1 PackageTest builds the package first;
# run alone, this file builds it when it is missing.

BeforeAll {
    Import-Module "$PSScriptRoot/../Pester/TestHelpers.psm1" -Force
    $script:Root = Get-RepoRoot
    $manifest = Import-PowerShellDataFile "$Root/CrmOps.psd1"
    $script:Ver = $manifest.ModuleVersion
    $script:Full = if ($manifest.PrivateData.PSData['Prerelease']) { "$Ver-$($manifest.PrivateData.PSData['Prerelease'])" } else { $Ver }
    $script:Stage = "$Root/artifacts/CrmOps/$Ver"
    $script:Nupkg = "$Root/artifacts/packages/CrmOps.$Full.nupkg"
    $script:Pwsh = Get-PwshCommand

    function Invoke-BuildPackage([string[]] $Arguments) {
        & $Pwsh[0] @($Pwsh | Select-Object -Skip 1) -NoProfile -File "$Root/build.ps1" Package @Arguments | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "build.ps1 Package $Arguments failed ($LASTEXITCODE)." }
    }
    if (-not (Test-Path $Nupkg)) { Invoke-BuildPackage @() }

    $script:Tmp = Join-Path ([IO.Path]::GetTempPath()) ('crmops-pkgtest-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:TestHome = "$Tmp/home"                     # HOME of every child: its own PSResourceGet settings and modules
    $script:UserModules = "$TestHome/.local/share/powershell/Modules"   # where -Scope CurrentUser installs on Linux
    $script:Repo = "$Tmp/repo"                         # the local repository folder
    $script:Work = "$Tmp/work"                         # the children's working directory: not the checkout
    $script:Shim = "$Tmp/bin"                          # a 'pwsh' on PATH for the README's cron line
    New-Item -ItemType Directory -Force $TestHome, $Repo, $Work, $Shim | Out-Null
    $quoted = ($Pwsh | ForEach-Object { "'" + ($_ -replace "'", "'\''") + "'" }) -join ' '
    Set-Content "$Shim/pwsh" "#!/bin/sh`nexec $quoted `"`$@`"`n"
    & chmod +x "$Shim/pwsh"

    # A newer release and a prerelease of it, built from the same sources with build.ps1 Package -Version.
    $v = [version] $Ver
    $script:Bumped = "$($v.Major).$($v.Minor).$($v.Build + 1)"
    $script:BetaPrefix = "$($v.Major).$($v.Minor).$($v.Build + 2)"
    $script:Beta = "$BetaPrefix-beta1"
    Invoke-BuildPackage '-Version', $Bumped, '-OutputPath', "$Tmp/build"
    Invoke-BuildPackage '-Version', $Beta, '-OutputPath', "$Tmp/build"
    Copy-Item $Nupkg $Repo

    # Runs a script in a fresh pwsh -NoProfile, started in $Work with HOME=$TestHome and PSModulePath=$UserModules.
    # Returns ExitCode, StdOut, StdErr and Json: the object the script wrote as one line 'JSON:<json>'.
    function Invoke-Installed {
        param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
        $psi = [Diagnostics.ProcessStartInfo]::new($Pwsh[0])
        foreach ($a in @($Pwsh | Select-Object -Skip 1) + '-NoProfile', '-NonInteractive', '-Command',
            "`$ErrorActionPreference = 'Stop'; `$PSStyle.OutputRendering = 'PlainText'; $Script") { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $psi.WorkingDirectory = $Work
        foreach ($k in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'CRMOPS_CONNECTION') { [void] $psi.Environment.Remove($k) }
        $psi.Environment['HOME'] = $TestHome
        $psi.Environment['PSModulePath'] = $UserModules
        $psi.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
        $psi.Environment['POWERSHELL_UPDATECHECK'] = 'Off'
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] }
        $p = [Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw 'Child pwsh timed out after 300 s.' }
        $json = ($out.Result -split '\r?\n' | Where-Object { $_.StartsWith('JSON:') } | Select-Object -Last 1)
        [pscustomobject]@{
            ExitCode = $p.ExitCode; StdOut = $out.Result; StdErr = $err.Result
            Json     = if ($json) { $json.Substring(5) | ConvertFrom-Json } else { $null }
        }
    }

    # Runs a command line through /bin/sh with cron's bare environment (HOME, PATH, SHELL, LOGNAME, LANG only).
    function Invoke-CronLine([string] $Line) {
        $psi = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
        foreach ($a in '-c', $Line) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        $psi.WorkingDirectory = $Work
        $psi.Environment.Clear()
        $psi.Environment['HOME'] = $TestHome
        $psi.Environment['PATH'] = "$Shim`:/usr/bin:/bin"
        $psi.Environment['SHELL'] = '/bin/sh'
        $psi.Environment['LOGNAME'] = 'root'
        $psi.Environment['LANG'] = 'C.UTF-8'
        $psi.Environment['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
        $p = [Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(300000)) { $p.Kill($true); throw 'The cron line timed out after 300 s.' }
        [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $out.Result; StdErr = $err.Result }
    }

    function Get-RelativeFile([string] $Dir) {
        @(Get-ChildItem $Dir -File -Recurse | ForEach-Object { [IO.Path]::GetRelativePath($Dir, $_.FullName) -replace '\\', '/' } | Sort-Object)
    }

    # The sandbox lives in this process (it ends with it); the children reach it through CRMOPS_CONNECTION.
    Import-Module "$Stage/CrmOps.psd1" -Force
    $script:Sb = Start-CrmSandbox -NoDefault
    $script:Conn = @{ CRMOPS_CONNECTION = $Sb.ConnectionString }
}

AfterAll {
    if ($script:Sb) { try { Stop-CrmSandbox $script:Sb } catch { Write-Warning "Stop-CrmSandbox: $_" } }
    Remove-Module CrmOps -ErrorAction SilentlyContinue
    if ($script:Tmp -and (Test-Path $script:Tmp)) { Remove-Item $script:Tmp -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'The package' {
    It 'is CrmOps.{version}.nupkg and holds exactly the staged module' {
        $Nupkg | Should -Exist
        $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try { $entries = @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
        $nuget = '^(\[Content_Types\]\.xml|_rels/.*|package/.*|CrmOps\.nuspec)$'   # NuGet's own metadata
        $module = @($entries | Where-Object { $_ -notmatch $nuget } | ForEach-Object { [uri]::UnescapeDataString($_) } | Sort-Object)
        $module | Should -Be (Get-RelativeFile $Stage)
    }

    It 'ships no source, test or tool files, no build output, no help sources' {
        $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try { $entries = @($zip.Entries | ForEach-Object FullName) } finally { $zip.Dispose() }
        $entries | Where-Object { $_ -match '^(src|tests|tools|docs|obj|artifacts|module/help)/|(^|/)obj/|\.(cs|csproj|sln|props|pdb|trx)$|\.deps\.json$' } |
            Should -BeNullOrEmpty
        foreach ($f in 'CrmOps.psd1', 'bin/CrmOps.dll', 'bin/CrmOps.Model.dll', 'bin/deps/CrmOps.Core.dll', 'bin/deps/Npgsql.dll',
            'en-US/CrmOps.dll-Help.xml', 'module/CrmOps.Types.ps1xml', 'LICENSE', 'README.md', 'CHANGELOG.md') {
            $entries | Should -Contain $f
        }
        @($entries -like 'module/formats/*.Format.ps1xml').Count | Should -Be @(Get-ChildItem "$Root/module/formats" -Filter *.ps1xml).Count
        @($entries -like 'module/migrations/migrations/*.sql').Count | Should -BeGreaterThan 0
        @($entries -like 'module/migrations/migrations/*.sql').Count | Should -Be @(Get-ChildItem "$Root/module/migrations/migrations" -Filter *.sql).Count
    }

    It 'has a manifest that passes Test-ModuleManifest, with the version, release notes and no made-up address' {
        $m = Test-ModuleManifest "$Stage/CrmOps.psd1"
        "$($m.Version)" | Should -Be $Ver
        $data = Import-PowerShellDataFile "$Stage/CrmOps.psd1"
        $psdata = $data.PrivateData.PSData
        $data.Description.Length | Should -BeGreaterThan 50
        $psdata.Tags | Should -Contain 'PostgreSQL'
        $psdata.ContainsKey('ProjectUri') | Should -BeFalse -Because 'there is no real project home to point at'
        $psdata.ContainsKey('LicenseUri') | Should -BeFalse
        $data.ContainsKey('HelpInfoUri') | Should -BeFalse -Because 'Update-Help has nowhere to download from'
        (Get-Content "$Stage/CrmOps.psd1" -Raw) | Should -Not -Match 'example\.invalid'
        $changelog = Get-Content "$Root/CHANGELOG.md" -Raw
        $heading = if ($changelog -match "(?m)^## \[$([regex]::Escape($Full))\]") { "## [$Full]" } else { '## [Unreleased]' }
        $psdata.ReleaseNotes.StartsWith($heading) | Should -BeTrue -Because "the release notes start with '$heading'"
        $changelog.Replace("`r`n", "`n").Contains($psdata.ReleaseNotes.Replace("`r`n", "`n")) | Should -BeTrue -Because 'the notes are CHANGELOG.md''s text'
        ([regex]::Matches($psdata.ReleaseNotes, '(?m)^## \[')).Count | Should -Be 1 -Because 'one version''s section only'
    }

    It 'has assemblies that carry the manifest''s version' {
        $ours = @(Get-ChildItem "$Stage/bin" -Recurse -Filter 'CrmOps*.dll' | ForEach-Object { [IO.Path]::GetRelativePath($Stage, $_.FullName) -replace '\\', '/' })
        $ours | Should -Contain 'bin/CrmOps.dll'
        $ours | Should -Contain 'bin/CrmOps.Model.dll'
        $ours | Should -Contain 'bin/deps/CrmOps.Core.dll'
        foreach ($dll in $ours) {
            $info = [Diagnostics.FileVersionInfo]::GetVersionInfo("$Stage/$dll")
            "$([Reflection.AssemblyName]::GetAssemblyName("$Stage/$dll").Version)" | Should -Be "$Ver.0" -Because "$dll's AssemblyVersion"
            $info.FileVersion | Should -Be "$Ver.0" -Because "$dll's FileVersion"
            ($info.ProductVersion -split '\+')[0] | Should -Be $Full -Because "$dll's InformationalVersion"
        }
    }

    It 'has a nuspec with the version, description, authors, tags and release notes' {
        $zip = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $reader = [IO.StreamReader]::new($zip.GetEntry('CrmOps.nuspec').Open())
            [xml] $nuspec = $reader.ReadToEnd(); $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $md = $nuspec.package.metadata
        $md.id | Should -Be 'CrmOps'
        $md.version | Should -Be $Full
        $md.authors | Should -Be 'CrmOps contributors'
        $md.description | Should -Not -BeNullOrEmpty
        $md.releaseNotes | Should -Not -BeNullOrEmpty
        $md.tags -split ' ' | Should -Contain 'PSModule'
    }

    It 'takes another version with -Version, prerelease included, in the manifest, assemblies and file name' {
        "$Tmp/build/packages/CrmOps.$Bumped.nupkg" | Should -Exist
        "$Tmp/build/packages/CrmOps.$Beta.nupkg" | Should -Exist
        $betaDir = "$Tmp/build/CrmOps/$BetaPrefix"
        "$((Test-ModuleManifest "$betaDir/CrmOps.psd1").Version)" | Should -Be $BetaPrefix
        (Import-PowerShellDataFile "$betaDir/CrmOps.psd1").PrivateData.PSData.Prerelease | Should -Be 'beta1'
        "$([Reflection.AssemblyName]::GetAssemblyName("$betaDir/bin/CrmOps.dll").Version)" | Should -Be "$BetaPrefix.0"
        ([Diagnostics.FileVersionInfo]::GetVersionInfo("$betaDir/bin/deps/CrmOps.Core.dll").ProductVersion -split '\+')[0] | Should -Be $Beta
        "$([Reflection.AssemblyName]::GetAssemblyName("$Tmp/build/CrmOps/$Bumped/bin/CrmOps.Model.dll").Version)" | Should -Be "$Bumped.0"
    }
}

Describe 'Installed with Install-PSResource, used from anywhere' {
    It 'installs by name from a local repository into the CurrentUser module path, as the README says' {
        # The README's commands up to its first Import-Module, with this test's repository folder for its example path.
        $readme = Get-Content "$Root/README.md" -Raw
        $block = [regex]::Matches($readme, '(?ms)^```powershell\r?\n(?<code>.*?)^```') | ForEach-Object { $_.Groups['code'].Value } |
            Where-Object { $_ -match 'Register-PSResourceRepository' } | Select-Object -First 1
        $block | Should -Not -BeNullOrEmpty -Because 'the README shows how to install from the built package'
        $install = @(foreach ($line in $block -split '\r?\n') { $line; if ($line -match '^Import-Module CrmOps\b') { break } }) -join "`n"
        $register = [regex]::Match($install, 'Register-PSResourceRepository -Name CrmOpsLocal -Uri (?<path>\S+) -Trusted')
        $register.Success | Should -BeTrue -Because "the README registers the folder as CrmOpsLocal: $install"
        $install = $install.Replace($register.Groups['path'].Value, "'$Repo'")
        $install | Should -Match 'Install-PSResource CrmOps -Repository CrmOpsLocal -Scope CurrentUser'
        $r = Invoke-Installed @"
$install
'JSON:' + (@(Get-InstalledPSResource CrmOps | ForEach-Object { [pscustomobject]@{ Version = "`$(`$_.Version)"; Location = `$_.InstalledLocation } }) | ConvertTo-Json -Compress -AsArray)
"@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        @($r.Json).Count | Should -Be 1
        $r.Json[0].Version | Should -Be $Ver
        $r.Json[0].Location | Should -Be $UserModules
        $installed = "$UserModules/CrmOps/$Ver"
        Get-RelativeFile $installed | Where-Object { $_ -ne 'PSGetModuleInfo.xml' } | Should -Be (Get-RelativeFile $Stage)
    }

    It 'imports by name in a fresh pwsh elsewhere, exporting every command of the manifest' {
        $r = Invoke-Installed @'
Import-Module CrmOps
$m = Get-Module CrmOps
'JSON:' + ([pscustomobject]@{ Cwd = $PWD.Path; Base = $m.ModuleBase; Version = "$($m.Version)"; Commands = @(Get-Command -Module CrmOps | ForEach-Object Name | Sort-Object) } | ConvertTo-Json -Compress)
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.Cwd | Should -Be $Work
        $r.Json.Base | Should -Be "$UserModules/CrmOps/$Ver"
        $r.Json.Version | Should -Be $Ver
        $expected = @((Import-PowerShellDataFile "$Stage/CrmOps.psd1").CmdletsToExport | Sort-Object)
        $expected.Count | Should -BeGreaterThan 20
        @($r.Json.Commands | Sort-Object) | Should -Be $expected
    }

    It 'has Get-Help Invoke-CrmMigration -Full with examples, from the installed help file' {
        $r = Invoke-Installed @'
$h = Get-Help Invoke-CrmMigration -Full
'JSON:' + ([pscustomobject]@{ Synopsis = $h.Synopsis; Examples = @($h.Examples.Example | ForEach-Object { $_.Code }); Parameters = @($h.Parameters.Parameter).Count; HelpFile = (Get-Command Invoke-CrmMigration).HelpFile } | ConvertTo-Json -Compress)
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.Synopsis.Length | Should -BeGreaterThan 20
        $r.Json.Synopsis | Should -Not -Match '^Invoke-CrmMigration \[' -Because 'written help, not the generated syntax'
        @($r.Json.Examples).Count | Should -BeGreaterThan 0
        @($r.Json.Examples) -join "`n" | Should -Match 'Invoke-CrmMigration'
        $r.Json.Parameters | Should -BeGreaterThan 3
        $r.Json.HelpFile | Should -Be "$UserModules/CrmOps/$Ver/en-US/CrmOps.dll-Help.xml"
    }

    It 'has the about_CrmOps topic (Get-Help about_CrmOps)' {
        $topic = "$UserModules/CrmOps/$Ver/en-US/about_CrmOps.help.txt"
        if (-not (Test-Path $topic)) {
            throw "The installed package has no about_CrmOps topic: en-US/about_CrmOps.help.txt is missing (build.ps1 Build renders it from module/help/about_CrmOps.md into en-US/, which Package ships)."
        }
        $r = Invoke-Installed @'
$h = Get-Help about_CrmOps
'JSON:' + ([pscustomobject]@{ Name = $h.Name; Category = "$($h.Category)"; Text = ($h | Out-String) } | ConvertTo-Json -Compress)
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.Name | Should -Be 'about_CrmOps'
        $r.Json.Category | Should -Be 'HelpFile'
        ($r.Json.Text -replace '\s+', ' ').Trim() | Should -Be ((Get-Content $topic -Raw) -replace '\s+', ' ').Trim()
    }

    It 'finds the built-in migrations: Invoke-CrmMigration -BuiltIn -WhatIf plans them and changes nothing' {
        $r = Invoke-Installed -Environment $Conn @'
'JSON:' + (@(Invoke-CrmMigration -BuiltIn -WhatIf | ForEach-Object { [pscustomobject]@{ Version = "$($_.Version)"; Status = "$($_.Status)" } }) | ConvertTo-Json -Compress -AsArray)
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $expected = @(Get-ChildItem "$UserModules/CrmOps/$Ver/module/migrations/migrations" -Filter *.sql | ForEach-Object { $_.Name.Substring(0, 14) } | Sort-Object)
        $expected.Count | Should -BeGreaterThan 0
        @($r.Json | ForEach-Object Version | Sort-Object) | Should -Be $expected
        @($r.Json | Where-Object Status -ne 'Planned') | Should -BeNullOrEmpty
        $r.StdOut | Should -Match 'What if: .*Apply migration'
        Invoke-TestSql $Sb "SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'crmops_migration_history'), to_regclass('public.customer_activity_timeline') IS NULL" | Should -Be "t`tt"
    }

    It 'applies the built-in migrations from the installed module' {
        $r = Invoke-Installed -Environment $Conn 'Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null'
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $count = @(Get-ChildItem "$Root/module/migrations/migrations" -Filter *.sql).Count
        Invoke-TestSql $Sb "SELECT count(DISTINCT version) FROM supabase_migrations.crmops_migration_history WHERE success AND direction = 'up'" | Should -Be "$count"
        Invoke-TestSql $Sb "SELECT to_regclass('public.customer_activity_timeline') IS NOT NULL" | Should -Be 't'
    }

    It 'runs the README''s cron line as written (CRMOPS_CONNECTION, exit code 0)' {
        $readme = Get-Content "$Root/README.md" -Raw
        $m = [regex]::Match($readme, '(?m)^```cron\r?\n(?<line>[^\r\n]+)')
        $m.Success | Should -BeTrue -Because 'the README has a ```cron block'
        # cron hands everything after the five schedule fields to /bin/sh. Two substitutions: the sandbox for the
        # production connection, a temp file for /var/log/crmops.log.
        $cron = [regex]::Match($m.Groups['line'].Value, '^(\S+\s+){5}(?<cmd>.+)$')
        $cron.Success | Should -BeTrue
        $cmd = $cron.Groups['cmd'].Value
        ([regex]::Matches($cmd, "CRMOPS_CONNECTION='[^']*'")).Count | Should -Be 1 -Because 'the line sets CRMOPS_CONNECTION once'
        ([regex]::Matches($cmd, [regex]::Escape('/var/log/crmops.log'))).Count | Should -Be 1
        $script:CronLog = "$Tmp/crmops.log"
        $script:CronCommand = ($cmd -replace "CRMOPS_CONNECTION='[^']*'", "CRMOPS_CONNECTION='$($Sb.ConnectionString)'").Replace('/var/log/crmops.log', $CronLog)

        $r = Invoke-CronLine $CronCommand
        $log = Get-Content $CronLog -Raw -ErrorAction SilentlyContinue
        $r.ExitCode | Should -Be 0 -Because "the log says: $log $($r.StdErr)"
        Invoke-TestSql $Sb "SELECT count(*) FROM supabase_migrations.crmops_refresh_log WHERE view_name LIKE '%customer_activity_timeline'" | Should -Be '1'
        Invoke-TestSql $Sb 'SELECT count(*) FROM supabase_migrations.crmops_scoring_runs' | Should -Be '1'   # nothing else refreshed or scored here
    }

    It 'ends the cron line with exit code 1, the error on stderr, when the database is down' {
        $CronCommand | Should -Not -BeNullOrEmpty -Because 'the previous test prepared the cron line'
        Stop-CrmSandbox $Sb
        $script:Sb = $null
        Remove-Item $CronLog -ErrorAction SilentlyContinue
        $r = Invoke-CronLine $CronCommand
        $r.ExitCode | Should -Be 1
        Get-Content $CronLog -Raw | Should -Match 'Cannot connect to 127\.0\.0\.1'
        # The same command without the log redirection: the error is on stderr, not stdout.
        $bare = $CronCommand -replace '\s*>>\s*\S+\s+2>&1\s*$', ''
        $bare | Should -Not -Be $CronCommand
        $r = Invoke-CronLine $bare
        $r.ExitCode | Should -Be 1
        $r.StdErr | Should -Match 'Cannot connect to 127\.0\.0\.1'
        $r.StdOut | Should -Not -Match 'Cannot connect'
    }
}

Describe 'Updated, side by side, prerelease, uninstalled; Install-Module too' {
    It 'Update-PSResource installs the newer version beside the first' {
        Copy-Item "$Tmp/build/packages/CrmOps.$Bumped.nupkg" $Repo
        $r = Invoke-Installed @'
Update-PSResource CrmOps -Repository CrmOpsLocal
'JSON:' + (@(Get-InstalledPSResource CrmOps | ForEach-Object { "$($_.Version)" } | Sort-Object) | ConvertTo-Json -Compress -AsArray)
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        @($r.Json) | Should -Be @($Ver, $Bumped)
        "$UserModules/CrmOps/$Bumped/CrmOps.psd1" | Should -Exist
    }

    It 'imports the version asked for (<Asked>), its own assemblies included' -TestCases @(
        @{ Asked = 'first' }, @{ Asked = 'newer' }, @{ Asked = 'default' }
    ) {
        $want = switch ($Asked) { 'first' { $Ver } 'newer' { $Bumped } 'default' { $Bumped } }
        $import = if ($Asked -eq 'default') { 'Import-Module CrmOps' } else { "Import-Module CrmOps -RequiredVersion $want" }
        $r = Invoke-Installed @"
$import
`$m = Get-Module CrmOps
'JSON:' + ([pscustomobject]@{ Count = @(`$m).Count; Version = "`$(`$m.Version)"; Base = `$m.ModuleBase
    Cmdlets = "`$((Get-Command Get-CrmDbObject).ImplementingType.Assembly.GetName().Version)"
    Model = "`$([CrmOps.CrmLead].Assembly.GetName().Version)"; ModelPath = [CrmOps.CrmLead].Assembly.Location } | ConvertTo-Json -Compress)
"@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.Count | Should -Be 1
        $r.Json.Version | Should -Be $want
        $r.Json.Base | Should -Be "$UserModules/CrmOps/$want"
        $r.Json.Cmdlets | Should -Be "$want.0"
        $r.Json.Model | Should -Be "$want.0"
        $r.Json.ModelPath | Should -Be "$UserModules/CrmOps/$want/bin/CrmOps.Model.dll"
    }

    It 'offers the prerelease only with -Prerelease, and installs it' {
        Copy-Item "$Tmp/build/packages/CrmOps.$Beta.nupkg" $Repo
        $r = Invoke-Installed @'
$stable = Find-PSResource CrmOps -Repository CrmOpsLocal
$pre = Find-PSResource CrmOps -Repository CrmOpsLocal -Prerelease
Install-PSResource CrmOps -Repository CrmOpsLocal -Prerelease
Import-Module CrmOps
$m = Get-Module CrmOps
'JSON:' + ([pscustomobject]@{ Stable = "$($stable.Version)"; StablePre = "$($stable.Prerelease)"; Pre = "$($pre.Version)-$($pre.Prerelease)"
    Imported = "$($m.Version)-$($m.PrivateData.PSData.Prerelease)" } | ConvertTo-Json -Compress)
'@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.Stable | Should -Be $Bumped
        $r.Json.StablePre | Should -BeNullOrEmpty
        $r.Json.Pre | Should -Be $Beta
        $r.Json.Imported | Should -Be $Beta
    }

    It 'Uninstall-PSResource removes one version, then all of them' {
        $r = Invoke-Installed @"
Uninstall-PSResource CrmOps -Version $Bumped
`$left = @(Get-InstalledPSResource CrmOps | ForEach-Object { "`$(`$_.Version)" } | Sort-Object)
Uninstall-PSResource CrmOps
`$none = @(Get-InstalledPSResource CrmOps -ErrorAction SilentlyContinue)
'JSON:' + ([pscustomobject]@{ Left = `$left; None = `$none.Count; Available = @(Get-Module -ListAvailable CrmOps).Count } | ConvertTo-Json -Compress)
"@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        @($r.Json.Left) | Should -Be @($Ver, $BetaPrefix)
        $r.Json.None | Should -Be 0
        $r.Json.Available | Should -Be 0
        @(Get-ChildItem "$UserModules/CrmOps" -Recurse -File -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
        $r = Invoke-Installed 'Import-Module CrmOps'
        $r.ExitCode | Should -Be 1
        $r.StdErr | Should -Match 'CrmOps'
    }

    It 'installs with PowerShellGet 2 as well (Install-Module from a folder of releases), the newest version' {
        # Releases only: PowerShellGet 2 does not tell a prerelease from a release in a folder repository (it would
        # install 0.x.y-beta1 without -AllowPrerelease); the README says so.
        $releases = "$Tmp/releases"
        New-Item -ItemType Directory $releases | Out-Null
        Copy-Item $Nupkg, "$Tmp/build/packages/CrmOps.$Bumped.nupkg" $releases
        $r = Invoke-Installed @"
Register-PSRepository -Name CrmOpsV2 -SourceLocation '$releases' -InstallationPolicy Trusted
Install-Module CrmOps -Repository CrmOpsV2 -Scope CurrentUser
Import-Module CrmOps
`$m = Get-Module CrmOps
'JSON:' + ([pscustomobject]@{ Version = "`$(`$m.Version)"; Base = `$m.ModuleBase; Commands = @(Get-Command -Module CrmOps).Count } | ConvertTo-Json -Compress)
Remove-Module CrmOps
Uninstall-Module CrmOps -AllVersions
"@
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.Json.Version | Should -Be $Bumped
        $r.Json.Base | Should -Be "$UserModules/CrmOps/$Bumped"
        $r.Json.Commands | Should -Be @((Import-PowerShellDataFile "$Stage/CrmOps.psd1").CmdletsToExport).Count
        @(Get-ChildItem "$UserModules/CrmOps" -Recurse -File -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }
}
