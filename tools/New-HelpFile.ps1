#requires -Version 7.4
<#
.SYNOPSIS
    Generates the module's MAML help (bin/en-US/CrmOps.dll-Help.xml) from module/help/*.psd1.
.DESCRIPTION
    The help text is kept once, in module/help/<Command-Name>.psd1 (Synopsis, Description,
    Parameters, Examples, Notes, Links). Everything the compiled cmdlet already knows (parameter
    types, positions, mandatory, pipeline input, parameter sets, output types) is read from the
    cmdlet itself, so it is never written twice. Runs in a child pwsh so the module loads fresh.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleRoot,
    [Parameter(Mandatory)] [string] $OutputPath,
    [switch] $InProcess
)
$ErrorActionPreference = 'Stop'

if (-not $InProcess) {
    $proc = [Environment]::ProcessPath
    $cmd = if ([IO.Path]::GetFileNameWithoutExtension($proc) -eq 'dotnet') { @($proc, (Join-Path $PSHOME 'pwsh.dll')) } else { @($proc) }
    & $cmd[0] @($cmd | Select-Object -Skip 1) -NoProfile -File $PSCommandPath -ModuleRoot $ModuleRoot -OutputPath $OutputPath -InProcess
    if ($LASTEXITCODE -ne 0) { throw "Help generation failed ($LASTEXITCODE)." }
    return
}

Import-Module (Join-Path $ModuleRoot 'CrmOps.psd1') -Force
$helpDir = Join-Path $ModuleRoot 'module/help'
$common = Import-PowerShellDataFile (Join-Path $helpDir '_common.psd1')
$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Esc([string] $s) { [System.Security.SecurityElement]::Escape($s) }
function Paras([string] $text) {
    if (-not $text) { return '<maml:para></maml:para>' }
    ($text.Trim() -split "\r?\n\s*\r?\n" | ForEach-Object { "<maml:para>$(Esc ($_ -replace '\s*\r?\n\s*', ' '))</maml:para>" }) -join ''
}
function TypeName([type] $t) {
    if ($t.IsGenericType -and $t.GetGenericTypeDefinition() -eq [Nullable`1]) { $t = $t.GetGenericArguments()[0] }
    if ($t -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $t.FullName
}

$missing = @()
$sb = [System.Text.StringBuilder]::new()
[void] $sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void] $sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($cmd in Get-Command -Module CrmOps -CommandType Cmdlet | Sort-Object Name) {
    $srcPath = Join-Path $helpDir "$($cmd.Name).psd1"
    if (-not (Test-Path $srcPath)) { $missing += $cmd.Name; continue }
    $src = Import-PowerShellDataFile $srcPath
    $paramHelp = @{} + $common.Parameters
    if ($src.Parameters) { foreach ($k in $src.Parameters.Keys) { $paramHelp[$k] = $src.Parameters[$k] } }

    [void] $sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10" xmlns:MSHelp="http://msdn.microsoft.com/mshelp">')
    [void] $sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><command:verb>$($cmd.Verb)</command:verb><command:noun>$($cmd.Noun)</command:noun><maml:description>$(Paras $src.Synopsis)</maml:description></command:details>")
    [void] $sb.AppendLine("<maml:description>$(Paras $src.Description)</maml:description>")

    $paramXml = @{}
    foreach ($p in $cmd.Parameters.Values) {
        if ($p.Name -in $commonParameters) { continue }
        if (-not $paramHelp.ContainsKey($p.Name)) { $missing += "$($cmd.Name) -$($p.Name)"; continue }
        $attrs = @($p.ParameterSets.Values)
        $required = [bool]($attrs | Where-Object IsMandatory)
        $positionAttr = $attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1
        $position = if ($positionAttr) { $positionAttr.Position } else { 'named' }
        $pipe = @()
        if ($attrs | Where-Object ValueFromPipeline) { $pipe += 'ByValue' }
        if ($attrs | Where-Object ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $pipeline = if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }
        $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
        $type = TypeName $p.ParameterType
        $isSwitch = $type -eq 'SwitchParameter'
        $validSet = ($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1)
        $values = if ($validSet) { $validSet.ValidValues } elseif ($p.ParameterType.IsEnum) { [enum]::GetNames($p.ParameterType) } else { @() }
        $valuesXml = if ($values) { '<command:parameterValueGroup>' + (($values | ForEach-Object { '<command:parameterValue required="false" variableLength="false">' + (Esc $_) + '</command:parameterValue>' }) -join '') + '</command:parameterValueGroup>' } else { '' }
        $typeValueXml = if (-not $isSwitch) { '<command:parameterValue required="true" variableLength="false">' + (Esc $type) + '</command:parameterValue>' } else { '' }
        $paramXml[$p.Name] = "<command:parameter required=`"$($required.ToString().ToLower())`" variableLength=`"$($p.ParameterType.IsArray.ToString().ToLower())`" globbing=`"false`" pipelineInput=`"$pipeline`" position=`"$position`" aliases=`"$(Esc $aliases)`"><maml:name>$($p.Name)</maml:name><maml:description>$(Paras $paramHelp[$p.Name])</maml:description>$valuesXml$typeValueXml<dev:type><maml:name>$(Esc $type)</maml:name></dev:type><dev:defaultValue>None</dev:defaultValue></command:parameter>"
    }

    [void] $sb.Append('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void] $sb.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($sp in $set.Parameters | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { 1000 } }) {
            if ($paramXml.ContainsKey($sp.Name)) { [void] $sb.Append($paramXml[$sp.Name]) }
        }
        [void] $sb.Append('</command:syntaxItem>')
    }
    [void] $sb.AppendLine('</command:syntax>')
    [void] $sb.AppendLine('<command:parameters>' + (($paramXml.Keys | Sort-Object | ForEach-Object { $paramXml[$_] }) -join '') + '</command:parameters>')

    $inputs = @($cmd.Parameters.Values | Where-Object { $_.ParameterSets.Values | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName } } | ForEach-Object { TypeName $_.ParameterType } | Sort-Object -Unique)
    if (-not $inputs) { $inputs = @('None') }
    [void] $sb.AppendLine('<command:inputTypes>' + (($inputs | ForEach-Object { "<command:inputType><dev:type><maml:name>$(Esc $_)</maml:name></dev:type><maml:description><maml:para>Pipeline input binds by value or by property name as shown on each parameter.</maml:para></maml:description></command:inputType>" }) -join '') + '</command:inputTypes>')
    $outputs = @($cmd.OutputType | ForEach-Object Name)
    if (-not $outputs) { $outputs = @('None') }
    [void] $sb.AppendLine('<command:returnValues>' + (($outputs | ForEach-Object { "<command:returnValue><dev:type><maml:name>$(Esc $_)</maml:name></dev:type><maml:description><maml:para></maml:para></maml:description></command:returnValue>" }) -join '') + '</command:returnValues>')
    if ($src.Notes) { [void] $sb.AppendLine("<maml:alertSet><maml:alert>$(Paras $src.Notes)</maml:alert></maml:alertSet>") }

    if (-not $src.Examples) { $missing += "$($cmd.Name) (examples)" }
    [void] $sb.Append('<command:examples>')
    $i = 0
    foreach ($ex in $src.Examples) {
        $i++
        [void] $sb.Append("<command:example><maml:title>-------------------------- Example $i`: $(Esc $ex.Title) --------------------------</maml:title><dev:code>$(Esc $ex.Code)</dev:code><dev:remarks>$(Paras $ex.Remarks)</dev:remarks></command:example>")
    }
    [void] $sb.AppendLine('</command:examples>')
    $links = @($src.Links) + @($common.Links) | Where-Object { $_ }
    [void] $sb.AppendLine('<command:relatedLinks>' + (($links | ForEach-Object { "<maml:navigationLink><maml:linkText>$(Esc $_)</maml:linkText><maml:uri></maml:uri></maml:navigationLink>" }) -join '') + '</command:relatedLinks>')
    [void] $sb.AppendLine('</command:command>')
}
[void] $sb.AppendLine('</helpItems>')

New-Item -ItemType Directory -Force -Path (Split-Path $OutputPath) | Out-Null
[IO.File]::WriteAllText($OutputPath, $sb.ToString())
if ($missing) {
    Write-Warning "Help source missing for: $($missing -join '; ')"
}
