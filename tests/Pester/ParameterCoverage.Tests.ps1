#requires -Version 7.4
# Every public parameter of every command is used by at least one test. The tests' sources are read,
# not run: every call of a CrmOps command is bound with PowerShell's own static parameter binder
# (names, abbreviations and positions resolve as they would at run time), including the calls
# written inside strings (child pwsh scripts, data-driven cases). Common parameters are left out;
# -WhatIf counts for the commands that support it. A parameter that cannot be exercised goes in
# $AllowList below, with the reason.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:commands = @(Get-Command -Module CrmOps -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            $cmd = $_
            # -WhatIf is public surface worth a test of its own where it exists; -Confirm is covered for every changing command by Conventions.Tests.ps1.
            $names = @($cmd.Parameters.Keys | Where-Object { $_ -notin $common -or $_ -eq 'WhatIf' } | Sort-Object)
            @{ Command = $cmd.Name; Parameters = $names }
        })
    if ($commands.Count -lt 20) { throw "Found only $($commands.Count) CrmOps commands: the module did not load as expected." }
}

BeforeAll {
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    # Parameters no test can exercise, each with its reason. Keep it empty if you can.
    $script:AllowList = @{
        # 'Command' = @('Parameter')  # why
    }

    $names = @(Get-Command -Module CrmOps -CommandType Cmdlet).Name
    $script:canonical = @{}; $script:parameters = @{}
    foreach ($c in Get-Command -Module CrmOps -CommandType Cmdlet) { $canonical[$c.Name] = $c.Name; $parameters[$c.Name] = @($c.Parameters.Keys) }
    $script:used = @{}
    foreach ($n in $names) { $used[$n] = [System.Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase) }
    $namePattern = '(?<![\w-])(' + (($names | ForEach-Object { [regex]::Escape($_) }) -join '|') + ')(?![\w-])'

    # Records the parameters of every CrmOps call in $Ast, then looks inside strings that name a CrmOps command.
    function Add-Usage($Ast, [int] $Depth = 0) {
        foreach ($call in $Ast.FindAll({ param($a) $a -is [System.Management.Automation.Language.CommandAst] -and $a.GetCommandName() -in $names }, $true)) {
            $name = $canonical[$call.GetCommandName()]
            try {
                $bound = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($call, $true)
                foreach ($p in $bound.BoundParameters.Keys) { [void] $used[$name].Add($p) }
            }
            catch {
                # Not a call the binder can read (prose in a string that happens to name a command): count only
                # the names written out, resolved as PowerShell resolves an unambiguous prefix.
                foreach ($e in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    $match = @($parameters[$name] | Where-Object { $_ -like "$($e.ParameterName)*" })
                    if ($match.Count -eq 1) { [void] $used[$name].Add($match[0]) }
                }
            }
        }
        if ($Depth -ge 3) { return }
        $strings = $Ast.FindAll({ param($a) ($a -is [System.Management.Automation.Language.StringConstantExpressionAst] -or $a -is [System.Management.Automation.Language.ExpandableStringExpressionAst]) -and $a.Value -match $namePattern }, $true)
        foreach ($s in $strings) {
            $tokens = $null; $errors = $null
            $inner = [System.Management.Automation.Language.Parser]::ParseInput($s.Value, [ref] $tokens, [ref] $errors)
            Add-Usage $inner ($Depth + 1)
        }
    }

    $files = Get-ChildItem (Join-Path $PSScriptRoot '..') -Recurse -File -Include *.ps1, *.psm1 |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' -and $_.Name -ne 'ParameterCoverage.Tests.ps1' }
    $script:fileCount = @($files).Count
    foreach ($f in $files) {
        $tokens = $null; $errors = $null
        Add-Usage ([System.Management.Automation.Language.Parser]::ParseFile($f.FullName, [ref] $tokens, [ref] $errors))
    }
    # The multi-database parameters are declared and implemented once, in CrmCmdlet, for every command that talks to
    # a database (tests/Pester/ManyDatabases.Tests.ps1): used with one command, they count for all that have them.
    foreach ($shared in 'ThrottleLimit', 'ContinueOnError') {
        if ($used.Values | Where-Object { $_.Contains($shared) }) {
            foreach ($n in $names) { if ($parameters[$n] -contains $shared) { [void] $used[$n].Add($shared) } }
        }
    }
}

Describe 'Every public parameter is used by a test' -Tag TestQuality {
    It 'read the test sources' {
        $fileCount | Should -BeGreaterThan 10
        $used['Get-CrmRowCount'] | Should -Contain 'Exact' -Because 'a parameter used in many tests is found'
    }

    It '<Command>: <Parameters>' -TestCases $commands {
        $allowed = @($AllowList[$Command])
        $missing = @($Parameters | Where-Object { -not $used[$Command].Contains($_) -and $_ -notin $allowed })
        $missing | Should -BeNullOrEmpty -Because "no test under tests/ passes these parameters of $Command"
        # An allow-list entry for a parameter that is used after all, or that no longer exists, is stale.
        @($allowed | Where-Object { $_ -and ($used[$Command].Contains($_) -or $_ -notin $Parameters) }) | Should -BeNullOrEmpty
    }
}
