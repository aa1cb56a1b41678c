#requires -Version 7.4
<#
.SYNOPSIS
    Generates CrmOps' help and reference docs from module/help: the MAML and about_CrmOps topic that
    Get-Help reads, and the Markdown reference under docs/commands.
.DESCRIPTION
    The help text is kept once, in module/help/<Command-Name>.psd1 (Synopsis, Description,
    Parameters, Examples, Notes, Links), module/help/_common.psd1 (shared parameters) and
    module/help/about_CrmOps.md. Everything the compiled cmdlet already knows (parameter types,
    positions, mandatory, pipeline input, parameter sets, aliases, defaults, output types) is read
    from the cmdlet itself, so it is never written twice. tools/CrmOpsHelp.psm1 is the one reader of
    that source; this script only writes what it renders. Runs in a child pwsh so the module loads
    fresh.

      -HelpPath  <folder>   writes CrmOps.dll-Help.xml and about_CrmOps.help.txt (the module's en-US/)
      -DocsPath  <folder>   writes <Command-Name>.md, README.md, about_CrmOps.md and surface.json
                            (docs/commands), removing pages of commands that no longer exist

    Help source that is missing (a parameter without text, a command without an example) or that
    names what does not exist fails the run.
.EXAMPLE
    ./tools/New-HelpFile.ps1 -ModuleRoot . -HelpPath ./en-US -DocsPath ./docs/commands
#>
param(
    [Parameter(Mandatory)] [string] $ModuleRoot,
    [string] $HelpPath,
    [string] $DocsPath,
    [switch] $InProcess
)
$ErrorActionPreference = 'Stop'

if (-not $InProcess) {
    $proc = [Environment]::ProcessPath
    $cmd = if ([IO.Path]::GetFileNameWithoutExtension($proc) -eq 'dotnet') { @($proc, (Join-Path $PSHOME 'pwsh.dll')) } else { @($proc) }
    $forward = @('-ModuleRoot', $ModuleRoot)
    if ($HelpPath) { $forward += '-HelpPath', $HelpPath }
    if ($DocsPath) { $forward += '-DocsPath', $DocsPath }
    & $cmd[0] @($cmd | Select-Object -Skip 1) -NoProfile -NonInteractive -File $PSCommandPath @forward -InProcess
    if ($LASTEXITCODE -ne 0) { throw "Help generation failed ($LASTEXITCODE)." }
    return
}

Import-Module (Join-Path $ModuleRoot 'CrmOps.psd1') -Force
Import-Module (Join-Path $PSScriptRoot 'CrmOpsHelp.psm1') -Force
$model = Get-CrmHelpModel -ModuleRoot $ModuleRoot
if ($model.Problems) {
    Write-Error ("The help source in module/help is incomplete:`n  " + ($model.Problems -join "`n  "))
    exit 1
}

function Write-Utf8File([string] $Path, [string] $Text) {
    [IO.File]::WriteAllText($Path, $Text, [Text.UTF8Encoding]::new($false))
}

if ($HelpPath) {
    New-Item -ItemType Directory -Force -Path $HelpPath | Out-Null
    Write-Utf8File (Join-Path $HelpPath 'CrmOps.dll-Help.xml') (ConvertTo-CrmMaml $model)
    Write-Utf8File (Join-Path $HelpPath 'about_CrmOps.help.txt') (ConvertTo-CrmAboutText $model.About)
}

if ($DocsPath) {
    New-Item -ItemType Directory -Force -Path $DocsPath | Out-Null
    $files = Get-CrmReferenceFiles $model
    foreach ($stale in Get-ChildItem $DocsPath -File | Where-Object { -not $files.Contains($_.Name) }) {
        Remove-Item $stale.FullName
    }
    foreach ($name in $files.Keys) {
        $path = Join-Path $DocsPath $name
        # Unchanged files keep their timestamps.
        if ((Test-Path $path) -and [IO.File]::ReadAllText($path) -ceq $files[$name]) { continue }
        Write-Utf8File $path $files[$name]
    }
}
