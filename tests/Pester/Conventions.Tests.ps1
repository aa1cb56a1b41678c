#requires -Version 7.4
# Conventions every CrmOps command follows. The cases are generated from the module itself, so a new
# command is checked (or fails for want of a recipe below) without anyone remembering to add it, and
# every generated list is asserted non-empty: a generator that finds nothing fails instead of
# silently checking nothing. Which other files test a command: tests/README.md.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $cmdlets = @(Get-Command -Module CrmOps -CommandType Cmdlet | Sort-Object Name)
    $commands = @($cmdlets | ForEach-Object { @{ Name = $_.Name } })
    $supportsShouldProcess = { param($c) [bool]($c.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1).SupportsShouldProcess }
    # Verbs that never change a database or files. Every other verb is a changing one, so a new verb
    # counts as changing until someone decides otherwise here.
    $readOnlyVerbs = 'Get', 'Test', 'Find', 'Search', 'Measure', 'Compare', 'Show', 'Format', 'Resolve', 'Trace', 'Watch', 'Wait', 'Select', 'Read', 'ConvertFrom', 'ConvertTo'
    # Commands with a changing verb that change only the PowerShell session, never a database or a file.
    $sessionOnly = @{
        'Connect-CrmDatabase'    = 'opens a connection pool and sets the session default'
        'Disconnect-CrmDatabase' = 'forgets the session default and closes its pool'
    }
    $changingVerbs = @($cmdlets | Where-Object { $_.Verb -notin $readOnlyVerbs -and -not $sessionOnly.ContainsKey($_.Name) } | ForEach-Object { @{ Name = $_.Name; Verb = $_.Verb } })
    $changing = @($cmdlets | Where-Object { & $supportsShouldProcess $_ } | ForEach-Object { @{ Name = $_.Name } })
    $nonChanging = @($cmdlets | Where-Object { -not (& $supportsShouldProcess $_) } | ForEach-Object { @{ Name = $_.Name } })
    $timeSpans = @(foreach ($c in $cmdlets) {
            foreach ($p in $c.Parameters.Values | Sort-Object Name) {
                if ($p.ParameterType -in [TimeSpan], [Nullable[TimeSpan]]) { @{ Command = $c.Name; Parameter = $p.Name } }
            }
        })
    # Commands with a read-only verb that talk to a database: each is either marked [ReadsOnly] (a read replica may
    # serve it) or named here with the reason it needs the primary.
    $readVerbDatabase = @($cmdlets | Where-Object { $_.Verb -in $readOnlyVerbs -and $_.Parameters.ContainsKey('Connection') } | ForEach-Object { @{ Name = $_.Name } })
    $docFiles = @($cmdlets | ForEach-Object { @{ File = "$($_.Name).md" } }) + @(@{ File = 'README.md' }, @{ File = 'about_CrmOps.md' }, @{ File = 'surface.json' })
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    Import-Module "$PSScriptRoot/../../tools/CrmOpsHelp.psm1" -Force
    $script:Root = Get-RepoRoot
    $script:Regenerate = 'Run `dotnet pwsh ./build.ps1 Build` (it regenerates docs/commands and tests/README.md from module/help and the compiled cmdlets), review `git diff`, and commit.'

    function script:Test-SupportsShouldProcess([string] $Name) {
        $attr = (Get-Command $Name).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true) | Select-Object -First 1
        [bool] $attr.SupportsShouldProcess
    }
}

Describe 'The generated case lists' {
    It 'finds <Count> commands, <Changing> of them changing, and <TimeSpans> TimeSpan parameters' -TestCases @(
        @{ Count = $commands.Count; Changing = $changing.Count; ChangingVerbs = $changingVerbs.Count; NonChanging = $nonChanging.Count; TimeSpans = $timeSpans.Count; Docs = $docFiles.Count; ReadVerbDatabase = $readVerbDatabase.Count }
    ) {
        $Count | Should -BeGreaterThan 0 -Because 'the module exports cmdlets'
        $Count | Should -Be @(Get-Command -Module CrmOps -CommandType Cmdlet).Count
        $Changing | Should -BeGreaterThan 0
        $ChangingVerbs | Should -BeGreaterThan 0
        $NonChanging | Should -BeGreaterThan 0
        $ReadVerbDatabase | Should -BeGreaterThan 0
        $TimeSpans | Should -BeGreaterThan 0
        $Docs | Should -Be ($Count + 3)
    }
}

Describe 'Every command' {
    BeforeAll {
        $script:HelpModel = Get-CrmHelpModel -ModuleRoot $Root
    }

    It '<Name> uses an approved verb' -TestCases $commands {
        (Get-Command $Name).Verb | Should -BeIn (Get-Verb).Verb
    }

    It '<Name> declares its output type, with a default view for each CrmOps type' -TestCases $commands {
        $cmd = Get-Command $Name
        if ($cmd.OutputType.Count -eq 0) { throw "$Name has no [OutputType]" }
        $types = @($cmd.OutputType | ForEach-Object { $_.Type } | Where-Object { $_ -and $_ -ne [void] })
        foreach ($t in $types | Where-Object { $_.Namespace -eq 'CrmOps' }) {
            Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$($t.FullName) needs a default view in module/formats"
        }
    }

    It '<Name> has complete help: synopsis, description, every parameter, an example' -TestCases $commands {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeLike "*$Name *[<]*" -Because 'a written synopsis, not the generated syntax'
        $help.Synopsis.Length | Should -BeGreaterThan 20
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 40
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $ph = $help.Parameters.Parameter | Where-Object Name -EQ $p
            ($ph.Description.Text -join ' ').Length | Should -BeGreaterThan 5 -Because "-$p of $Name needs a description"
        }
    }

    It '<Name> has help source that names only what exists' -TestCases $commands {
        @($HelpModel.Commands | Where-Object Name -EQ $Name) | Should -HaveCount 1
        @($HelpModel.Problems | Where-Object { $_ -like "$Name`:*" -or $_ -like "module/help/$Name.psd1*" }) | Should -BeNullOrEmpty
    }

    # By verb here; by behaviour in 'Changing nothing' below, where every command without -WhatIf
    # runs for real and must leave the database and files as they were.
    It '<Name> says whether a read replica may serve it ([ReadsOnly], or the reason it needs the primary)' -TestCases $readVerbDatabase {
        $needsPrimary = @{
            'Compare-CrmSchema'     = 'drift compares the live schema with the snapshot a migration just recorded: a replica could lag behind it'
            'Get-CrmSchemaSnapshot' = 'a snapshot is taken to be recorded or compared with the latest migrations: it must be the primary''s'
            'Get-CrmAdvisory'   = 'unused_index and the other statistics-based lints read pg_stat_* counters, which a replica keeps for its own queries only'
            'Get-CrmMigration'  = 'migration state is read just before migrating: it must be the latest'
            'Get-CrmSchedule'   = 'pg_cron''s jobs are read where pg_cron runs them (cron.database_name on the primary), and a job just registered must show'
            'Test-CrmMigration' = 'checks files against the latest history, and -RoundTrip changes (and undoes) the schema'
        }
        $readsOnly = [bool]((Get-Command $Name).ImplementingType.GetCustomAttributes($true) | Where-Object { $_.GetType().Name -eq 'ReadsOnlyAttribute' })
        if (-not $readsOnly -and -not $needsPrimary.ContainsKey($Name)) {
            throw "$Name reads a database: mark it [ReadsOnly] (src/CrmOps.PowerShell/Infrastructure/ReadsOnlyAttribute.cs) so that a read replica serves it, or add it to `$needsPrimary here with the reason it needs the primary."
        }
        if ($readsOnly) { $needsPrimary.ContainsKey($Name) | Should -BeFalse -Because 'a command is either served by a replica or needs the primary' }
    }

    It '<Name> (verb <Verb>) supports -WhatIf and -Confirm' -TestCases $changingVerbs {
        $cmd = Get-Command $Name
        Test-SupportsShouldProcess $Name | Should -BeTrue -Because "$Verb changes things: [Cmdlet(..., SupportsShouldProcess = true)]"
        $cmd.Parameters.Keys | Should -Contain 'WhatIf'
        $cmd.Parameters.Keys | Should -Contain 'Confirm'
    }
}

Describe 'The reference in docs/commands' {
    BeforeAll {
        $script:fresh = Join-Path $TestDrive 'commands'
        & (Join-Path $Root 'tools/New-HelpFile.ps1') -ModuleRoot $Root -DocsPath $fresh
        $script:committedDir = Join-Path $Root 'docs/commands'
        $script:surface = Get-Content (Join-Path $committedDir 'surface.json') -Raw | ConvertFrom-Json

        function script:Read-Text([string] $Path) { if (Test-Path $Path) { ([IO.File]::ReadAllText($Path)) -replace '\r\n', "`n" } }
        function script:Get-FirstDifference([string] $Expected, [string] $Actual) {
            $e = $Expected -split "`n"; $a = $Actual -split "`n"
            for ($i = 0; $i -lt [Math]::Max($e.Count, $a.Count); $i++) {
                if ($i -ge $e.Count -or $i -ge $a.Count -or $e[$i] -cne $a[$i]) {
                    return "line $($i + 1): committed '$(if ($i -lt $a.Count) { $a[$i] })', generated now '$(if ($i -lt $e.Count) { $e[$i] })'"
                }
            }
        }
    }

    It 'docs/commands/<File> is what module/help and the cmdlets generate now' -TestCases $docFiles {
        $committed = Read-Text (Join-Path $committedDir $File)
        $generated = Read-Text (Join-Path $fresh $File)
        $generated | Should -Not -BeNullOrEmpty -Because 'the generator writes it'
        if ($null -eq $committed) { throw "docs/commands/$File is missing. $Regenerate" }
        if ($committed -cne $generated) { throw "docs/commands/$File is stale ($(Get-FirstDifference $generated $committed)). $Regenerate" }
    }

    It 'docs/commands holds only generated files' {
        $committed = @(Get-ChildItem $committedDir -File | ForEach-Object Name | Sort-Object)
        $generated = @(Get-ChildItem $fresh -File | ForEach-Object Name | Sort-Object)
        $generated | Should -Not -BeNullOrEmpty
        @(Compare-Object $generated $committed | ForEach-Object { "$($_.InputObject) ($(if ($_.SideIndicator -eq '=>') { 'committed, not generated' } else { 'generated, not committed' }))" }) |
            Should -BeNullOrEmpty -Because $Regenerate
    }

    It 'surface.json pins exactly the module''s commands' {
        $pinned = @($surface.commands.name | Sort-Object)
        $live = @(Get-Command -Module CrmOps -CommandType Cmdlet | ForEach-Object Name | Sort-Object)
        $pinned | Should -Not -BeNullOrEmpty
        @(Compare-Object $pinned $live | ForEach-Object { "$($_.InputObject) ($(if ($_.SideIndicator -eq '=>') { 'in the module, not in surface.json' } else { 'in surface.json, not in the module' }))" }) |
            Should -BeNullOrEmpty -Because "a command added or removed changes the public surface. $Regenerate"
    }

    It '<Name> has the parameters, sets, pipeline binding, aliases and output types pinned in surface.json' -TestCases $commands {
        $pinned = $surface.commands | Where-Object name -CEQ $Name
        if (-not $pinned) { throw "$Name is not in docs/commands/surface.json. $Regenerate" }
        $live = Get-CrmCommandSurface (Get-Command $Name) | ConvertTo-Json -Depth 10 | ConvertFrom-Json
        $differences = [System.Collections.Generic.List[string]]::new()
        foreach ($key in 'defaultParameterSet', 'supportsShouldProcess') {
            if ("$($pinned.$key)" -cne "$($live.$key)") { $differences.Add("${key}: '$($pinned.$key)' pinned, '$($live.$key)' in the module") }
        }
        if ((@($pinned.outputTypes) -join ', ') -cne (@($live.outputTypes) -join ', ')) {
            $differences.Add("output types: $(@($pinned.outputTypes) -join ', ') pinned, $(@($live.outputTypes) -join ', ') in the module")
        }
        $pinnedParams = @{}; foreach ($p in @($pinned.parameters)) { $pinnedParams[$p.name] = $p }
        $liveParams = @{}; foreach ($p in @($live.parameters)) { $liveParams[$p.name] = $p }
        foreach ($n in $pinnedParams.Keys | Where-Object { -not $liveParams.ContainsKey($_) } | Sort-Object) { $differences.Add("-${n}: pinned, but the module has no such parameter") }
        foreach ($n in $liveParams.Keys | Where-Object { -not $pinnedParams.ContainsKey($_) } | Sort-Object) { $differences.Add("-${n}: in the module, not pinned") }
        $setText = { param($s) "$($s.set): mandatory=$($s.mandatory) position=$(if ($null -ne $s.position) { $s.position } else { 'named' }) byValue=$($s.byValue) byPropertyName=$($s.byPropertyName)" }
        foreach ($n in $liveParams.Keys | Where-Object { $pinnedParams.ContainsKey($_) } | Sort-Object) {
            $was = $pinnedParams[$n]; $is = $liveParams[$n]
            if ($was.type -cne $is.type) { $differences.Add("-${n}: type $($was.type) pinned, $($is.type) in the module") }
            if ((@($was.aliases) -join ', ') -cne (@($is.aliases) -join ', ')) { $differences.Add("-${n}: aliases [$(@($was.aliases) -join ', ')] pinned, [$(@($is.aliases) -join ', ')] in the module") }
            $wasSets = (@($was.sets) | ForEach-Object { & $setText $_ }) -join '; '
            $isSets = (@($is.sets) | ForEach-Object { & $setText $_ }) -join '; '
            if ($wasSets -cne $isSets) { $differences.Add("-${n}: parameter sets '$wasSets' pinned, '$isSets' in the module") }
        }
        if ($differences.Count) {
            throw "The public surface of $Name differs from docs/commands/surface.json:`n  $($differences -join "`n  ")`nIf the change is deliberate: $Regenerate"
        }
    }

    It 'tests/README.md indexes the tests as they are now' {
        $generated = (& (Join-Path $Root 'tools/New-TestIndex.ps1') -Root $Root -Check) -replace '\r\n', "`n"
        $committed = Read-Text (Join-Path $Root 'tests/README.md')
        $generated | Should -Not -BeNullOrEmpty
        if ($committed -cne $generated) { throw "tests/README.md is stale ($(Get-FirstDifference $generated $committed)). $Regenerate" }
    }

    It 'module/formats/Databases.Format.ps1xml has every CrmOps table view again with a Connection column, as tools/New-DatabaseViews.ps1 renders it now' {
        $generated = (& (Join-Path $Root 'tools/New-DatabaseViews.ps1') -ModuleRoot $Root -Check) -replace '\r\n', "`n"
        $committed = Read-Text (Join-Path $Root 'module/formats/Databases.Format.ps1xml')
        if ($committed -cne $generated) { throw "module/formats/Databases.Format.ps1xml is stale ($(Get-FirstDifference $generated $committed)). $Regenerate" }
        $views = [xml]$committed
        $tables = foreach ($f in Get-ChildItem (Join-Path $Root 'module/formats') -Filter '*.Format.ps1xml' | Where-Object Name -ne 'Databases.Format.ps1xml') {
            ([xml](Read-Text $f.FullName)).SelectNodes('//View[TableControl]/ViewSelectedBy/TypeName') | ForEach-Object InnerText | Where-Object { $_ -like 'CrmOps.*' }
        }
        @($tables).Count | Should -BeGreaterThan 5
        foreach ($t in $tables) {
            $twin = $views.SelectSingleNode("//View[ViewSelectedBy/TypeName='$t#Databases']")
            $twin | Should -Not -BeNullOrEmpty -Because "$t has a table view, so output of several databases needs its twin"
            $twin.SelectSingleNode('TableControl/TableHeaders/TableColumnHeader[1]/Label').InnerText | Should -Be 'Connection'
        }
    }

    It 'README and docs link only to files inside the repo' {
        $pages = @(Get-Item (Join-Path $Root 'README.md')) + @(Get-ChildItem (Join-Path $Root 'docs') -Recurse -Filter '*.md')
        $pages.Count | Should -BeGreaterThan 2
        $bad = foreach ($page in $pages) {
            $text = Get-Content $page.FullName -Raw
            foreach ($m in [regex]::Matches($text, '\[[^\]]*\]\(([^)\s]+)\)')) {
                $target = $m.Groups[1].Value
                $rel = [IO.Path]::GetRelativePath($Root, $page.FullName)
                if ($target -match '^[a-z][a-z0-9+.-]*:') { "${rel}: $target is outside the repo"; continue }
                $path = [IO.Path]::GetFullPath((Join-Path $page.DirectoryName ($target -replace '#.*$', '')))
                if (-not $path.StartsWith($Root) -or -not (Test-Path $path)) { "${rel}: $target does not exist in the repo" }
            }
        }
        @($bad) | Should -BeNullOrEmpty
    }

    It 'help source names no file that is not in the repo' {
        $sources = @(Get-ChildItem (Join-Path $Root 'module/help') -File)
        $sources.Count | Should -BeGreaterThan 1
        $repoFiles = @(Get-ChildItem $Root -Recurse -File -Filter '*.md' | ForEach-Object Name)
        $bad = foreach ($s in $sources) {
            foreach ($m in [regex]::Matches((Get-Content $s.FullName -Raw), '[\w./-]+\.md\b')) {
                if ((Split-Path $m.Value -Leaf) -notin $repoFiles) { "$($s.Name): $($m.Value)" }
            }
        }
        @($bad) | Should -BeNullOrEmpty
    }

    It 'Get-Help about_CrmOps finds the concepts topic after Import-Module' {
        $r = Invoke-ChildPwsh -Script 'Import-Module ./CrmOps.psd1; Get-Help about_CrmOps | Out-String -Width 200'
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdOut | Should -Match 'about_CrmOps'
        foreach ($concept in 'CRMOPS_CONNECTION', 'crmops:require-rows', 'crmops:no-transaction', 'supabase_migrations', 'lead_score = 3 x recency \+ 2 x frequency \+ monetary', 'Hot \(24-30\)', 'ErrorAction Stop') {
            $r.StdOut | Should -Match $concept
        }
        $r.StdOut | Should -Match 'owner role is postgres'
    }
}

Describe 'TimeSpan parameters take seconds' {
    BeforeAll {
        # A connection string that parses into nothing usable: a command that gets past binding fails
        # at its first use of the connection, before touching any database.
        $script:Unusable = 'postgresql://conventions@127.0.0.1:99999/none'
        # Durations for which zero is meaningful and safe: how long to wait for another run before
        # giving up (0: try once). A timeout of zero is never allowed: PostgreSQL reads it as no limit.
        $script:ZeroAllowed = @{ LockWait = 'zero means: take the lock now or fail at once' }
        # Arguments that the rest of a command's parameter set needs for binding to succeed.
        $script:BindArguments = @{
            'Set-CrmMigrationState' = @{ BuiltIn = $true; Version = '20250115100000'; State = 'Applied' }
            'Invoke-CrmMigration'   = @{ BuiltIn = $true }
            'Undo-CrmMigration'     = @{ BuiltIn = $true }
            'Test-CrmMigration'     = @{ BuiltIn = $true }
        }

        # A function whose only parameter is the cmdlet's parameter: the same type and the same
        # attribute objects (transformations, validations, aliases), bound by PowerShell's own binder.
        # It returns what the cmdlet's property would receive.
        function script:New-BindingMirror([string] $Command, [string] $Parameter) {
            $p = (Get-Command $Command).Parameters[$Parameter]
            {
                [CmdletBinding()]
                param()
                dynamicparam {
                    $attributes = [System.Collections.ObjectModel.Collection[Attribute]]::new()
                    $attributes.Add([System.Management.Automation.ParameterAttribute]::new())
                    foreach ($a in $p.Attributes) { if ($a -isnot [System.Management.Automation.ParameterAttribute]) { $attributes.Add($a) } }
                    $dictionary = [System.Management.Automation.RuntimeDefinedParameterDictionary]::new()
                    $dictionary.Add($p.Name, [System.Management.Automation.RuntimeDefinedParameter]::new($p.Name, $p.ParameterType, $attributes))
                    $dictionary
                }
                end { , $PSBoundParameters[$p.Name] }
            }.GetNewClosure()
        }

        # Calls the real cmdlet with the value; returns the error it ends with ($null if none).
        function script:Invoke-RealBinding([string] $Command, [string] $Parameter, $Value) {
            $splat = @{} + $(if ($BindArguments.ContainsKey($Command)) { $BindArguments[$Command] } else { @{} })
            $splat[$Parameter] = $Value
            if ((Get-Command $Command).Parameters.ContainsKey('Connection')) { $splat['Connection'] = $Unusable }
            # Belt and braces: a changing command that wrongly got past binding still changes nothing.
            $WhatIfPreference = Test-SupportsShouldProcess $Command
            try { & $Command @splat -ErrorAction Stop *> $null; $null } catch { $_ }
        }
    }

    It '<Command> -<Parameter> binds a bare number as seconds, and a TimeSpan as itself' -TestCases $timeSpans {
        $mirror = New-BindingMirror $Command $Parameter
        foreach ($case in @(
                @{ Value = 2; Expected = [TimeSpan]::FromSeconds(2) }
                @{ Value = 1.5; Expected = [TimeSpan]::FromSeconds(1.5) }
                @{ Value = '2'; Expected = [TimeSpan]::FromSeconds(2) }
                @{ Value = '00:00:02'; Expected = [TimeSpan]::FromSeconds(2) }
                @{ Value = [TimeSpan]::FromMinutes(3); Expected = [TimeSpan]::FromMinutes(3) }
            )) {
            $splat = @{ $Parameter = $case.Value }
            $bound = try { & $mirror @splat } catch { throw "-$Parameter $($case.Value) ($($case.Value.GetType().Name)) failed to bind: $($_.Exception.Message)" }
            $bound | Should -Be $case.Expected -Because "-$Parameter $($case.Value) ($($case.Value.GetType().Name)) means $($case.Expected)"
        }
        # The real cmdlet gets past binding with a bare number too (it then fails on the unusable connection).
        $err = Invoke-RealBinding $Command $Parameter 2
        if ($err -and $err.Exception -is [System.Management.Automation.ParameterBindingException]) {
            throw "$Command -$Parameter 2 failed to bind: $($err.Exception.Message)"
        }
    }

    It '<Command> -<Parameter> refuses negative durations (and zero, unless it means "do not wait") with a binding error naming it' -TestCases $timeSpans {
        $mirror = New-BindingMirror $Command $Parameter
        $refused = @(-1, '-00:00:02', [TimeSpan]::FromTicks(-1))
        if ($ZeroAllowed.ContainsKey($Parameter)) {
            $splat = @{ $Parameter = 0 }
            & $mirror @splat | Should -Be ([TimeSpan]::Zero) -Because "-$Parameter 0 is allowed: $($ZeroAllowed[$Parameter])"
            $err = Invoke-RealBinding $Command $Parameter 0
            if ($err -and $err.Exception -is [System.Management.Automation.ParameterBindingException]) { throw "$Command -$Parameter 0 failed to bind: $($err.Exception.Message)" }
        }
        else {
            $refused = @(0, [TimeSpan]::Zero, '00:00:00') + $refused
        }
        foreach ($value in $refused) {
            $splat = @{ $Parameter = $value }
            $mirrorError = try { & $mirror @splat | Out-Null; $null } catch { $_ }
            if (-not $mirrorError) { throw "-$Parameter $value ($($value.GetType().Name)) was accepted; it must be refused at binding" }

            $err = Invoke-RealBinding $Command $Parameter $value
            if (-not $err) { throw "$Command -$Parameter $value ran without an error" }
            if ($err.Exception -isnot [System.Management.Automation.ParameterBindingException]) {
                throw "$Command -$Parameter $value was refused only after binding ($($err.FullyQualifiedErrorId): $($err.Exception.Message)); refuse it with a validation attribute on the parameter"
            }
            $err.Exception.ParameterName | Should -Be $Parameter
            $err.Exception.Message | Should -Match $Parameter
        }
    }
}

Describe 'Changing nothing' {
    BeforeAll {
        # One small CRM with the built-in migrations applied, scored and refreshed; each case runs in
        # its own copy of it (CREATE DATABASE ... TEMPLATE), so a control run cannot disturb the next.
        $script:sb = Start-CrmSandbox -Customers 100 -NoDefault
        Invoke-TestSql $sb 'create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text)' | Out-Null
        Invoke-CrmMigration -BuiltIn -Connection $sb -Confirm:$false | Out-Null
        Invoke-CrmTimelineRefresh -Connection $sb -Confirm:$false | Out-Null
        Update-CrmLeadScore -AsOf '2025-10-15' -Connection $sb -Confirm:$false | Out-Null
        Invoke-TestSql $sb 'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()' | Out-Null

        # A migration set with one pending migration (a new table, a new column, rows), its rollback and verify script.
        $script:extraSet = Join-Path $TestDrive 'extra'
        foreach ($d in 'migrations', 'rollbacks', 'verify') { New-Item -ItemType Directory -Force (Join-Path $extraSet $d) | Out-Null }
        $file = '20990101000000_add_loyalty_tier.sql'
        Set-Content (Join-Path $extraSet "migrations/$file") "-- crmops:require-rows customer_profiles >= 10`ncreate table public.loyalty_tiers (tier text primary key);`ninsert into public.loyalty_tiers values ('gold'), ('silver'), ('bronze');`nalter table public.customer_profiles add column loyalty_tier text references public.loyalty_tiers (tier);`n"
        Set-Content (Join-Path $extraSet "rollbacks/$file") "alter table public.customer_profiles drop column loyalty_tier;`ndrop table public.loyalty_tiers;`n"
        Set-Content (Join-Path $extraSet "verify/$file") "select count(*) = 3 from public.loyalty_tiers;`n"

        $script:caseNumber = 0
        function script:New-Case {
            $script:caseNumber++
            $db = "conv_case_$caseNumber"
            Invoke-TestSql $sb "create database $db template $($sb.Database)" -Database postgres | Out-Null
            $folder = Join-Path $TestDrive $db
            New-Item -ItemType Directory $folder | Out-Null
            Copy-Item $extraSet (Join-Path $folder 'supabase') -Recurse
            $tmp = Join-Path $folder 'tmp'
            New-Item -ItemType Directory $tmp | Out-Null
            $cs = "Host=127.0.0.1;Port=$($sb.Port);Username=postgres;Database=$db"
            [pscustomobject]@{
                Database = $db; ConnectionString = $cs; Connection = (Connect-CrmDatabase $cs -NoDefault)
                Folder = $folder; Migrations = (Join-Path $folder 'supabase'); TmpDir = $tmp; Victim = $null
            }
        }

        # What a command could change, read independently of CrmOps: the schema and every row (psql), its pg_cron jobs,
        # the case's files, the sandboxes started under its temp folder, the victim sandbox's server.
        $script:SchemaSql = @'
with s as (select oid, nspname from pg_namespace where nspname not like 'pg\_%' and nspname <> 'information_schema')
select x from (
  select 'schema ' || nspname as x from s
  union all select format('rel %s.%s %s', s.nspname, c.relname, c.relkind) from pg_class c join s on s.oid = c.relnamespace
  union all select format('col %s.%s.%s %s notnull=%s default=%s', s.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
    from pg_attribute a join pg_class c on c.oid = a.attrelid join s on s.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
   where a.attnum > 0 and not a.attisdropped
  union all select 'idx ' || pg_get_indexdef(i.indexrelid) from pg_index i join pg_class c on c.oid = i.indexrelid join s on s.oid = c.relnamespace
  union all select format('con %s.%s %s', s.nspname, con.conname, pg_get_constraintdef(con.oid)) from pg_constraint con join s on s.oid = con.connamespace
  union all select format('fn %s.%s(%s) %s', s.nspname, p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc)) from pg_proc p join s on s.oid = p.pronamespace
  union all select format('trg %s %s', t.tgenabled, pg_get_triggerdef(t.oid)) from pg_trigger t where not t.tgisinternal
  union all select format('view %s.%s %s', schemaname, viewname, md5(definition)) from pg_views where schemaname not like 'pg\_%' and schemaname <> 'information_schema'
  union all select format('matview %s.%s populated=%s %s', schemaname, matviewname, ispopulated, md5(definition)) from pg_matviews
) f order by x;
'@
        $script:DataSql = @'
select format('%I.%I', n.nspname, c.relname) || ' ' ||
       (xpath('/row/h/text()', query_to_xml(format('select count(*) || '':'' || coalesce(md5(string_agg(t::text, E''\n'' order by t::text)), '''') as h from %I.%I t', n.nspname, c.relname), false, true, '')))[1]::text
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'm') and n.nspname not like 'pg\_%' and n.nspname <> 'information_schema'
   and (c.relkind <> 'm' or c.relispopulated)
 order by 1;
'@
        function script:Get-Fingerprint($Case) {
            $files = @(Get-ChildItem $Case.Folder -Recurse -File | Where-Object { -not $_.FullName.StartsWith($Case.TmpDir) } | Sort-Object FullName | ForEach-Object {
                    "$([IO.Path]::GetRelativePath($Case.Folder, $_.FullName)) $((Get-FileHash $_.FullName -Algorithm MD5).Hash)"
                })
            [ordered]@{
                Schema    = @(Invoke-TestSql $sb $SchemaSql -Database $Case.Database)
                Data      = @(Invoke-TestSql $sb $DataSql -Database $Case.Database)
                Files     = $files
                Sandboxes = @(Get-ChildItem $Case.TmpDir -Force | ForEach-Object Name | Sort-Object)
                # pg_cron's jobs for the case's database (kept in postgres, pg_cron's default database).
                Jobs      = @(Invoke-TestSql $sb "select concat_ws(' ', jobname, schedule, active, md5(command)) from cron.job where database = '$($Case.Database)' order by jobid" -Database postgres)
                Victim    = @(if ($Case.Victim) { "running=$(Test-ProcessAlive $Case.Victim.ProcessId) folder=$(Test-Path $Case.Victim.RootDirectory)" })
            }
        }
        function script:Get-FingerprintDifference($Before, $After) {
            foreach ($part in $Before.Keys) {
                foreach ($d in Compare-Object @($Before[$part]) @($After[$part]) -CaseSensitive) {
                    "${part}: $(if ($d.SideIndicator -eq '=>') { 'now' } else { 'was' }) $($d.InputObject)"
                }
            }
        }

        # How to make each changing command change something real. A changing command without a
        # recipe fails its case: add one here.
        $script:ChangingRecipes = @{
            'Export-CrmLeadSegment'     = @{ Run = { param($c) Export-CrmLeadSegment -Path (Join-Path $c.Folder 'leads.csv') -Connection $c.Connection } }
            'Export-CrmLeadReport'      = @{ Run = { param($c) Export-CrmLeadReport -Path (Join-Path $c.Folder 'leads.html') -Connection $c.Connection } }
            'Export-CrmSchemaSnapshot'  = @{ Run = { param($c) Export-CrmSchemaSnapshot -Path (Join-Path $c.Folder 'schema.json.gz') -Connection $c.Connection } }
            'Invoke-CrmMigration'       = @{ Run = { param($c) Invoke-CrmMigration -Path $c.Migrations -Connection $c.Connection } }
            'Invoke-CrmTimelineRefresh' = @{ Run = { param($c) Invoke-CrmTimelineRefresh -Connection $c.Connection } }
            'New-CrmMigration'          = @{ Run = { param($c) New-CrmMigration -Name 'add_vip_flag' -Path $c.Migrations } }
            'Set-CrmMigrationState'     = @{ Run = { param($c) Set-CrmMigrationState -Path $c.Migrations -Version '20990101000000' -State Applied -Connection $c.Connection } }
            'Start-CrmSandbox'          = @{
                Run     = { param($c) Start-CrmSandbox -Empty -NoDefault }
                Cleanup = { param($c, $output) $output | Where-Object { $_ -is [CrmOps.CrmSandbox] } | ForEach-Object { Stop-CrmSandbox -Sandbox $_ -Confirm:$false } }
            }
            'Stop-CrmSandbox'           = @{
                Setup = { param($c) $c.Victim = Start-CrmSandbox -Empty -NoDefault }
                Run   = { param($c) Stop-CrmSandbox -Sandbox $c.Victim }
            }
            'Register-CrmSchedule'      = @{
                Run     = { param($c) Register-CrmSchedule -Name "conv-$($c.Database)" -Task RefreshAndScore -Cron '0 2 * * *' -Connection $c.Connection }
                Cleanup = { param($c, $output) Invoke-TestSql $sb "select count(cron.unschedule(jobid)) from cron.job where database = '$($c.Database)'" -Database postgres | Out-Null }
            }
            'Unregister-CrmSchedule'    = @{
                Setup   = { param($c) Register-CrmSchedule -Name "conv-$($c.Database)" -Task Score -Cron '0 3 * * *' -Connection $c.Connection -Confirm:$false | Out-Null }
                Run     = { param($c) Unregister-CrmSchedule -Name "conv-$($c.Database)" -Connection $c.Connection }
                Cleanup = { param($c, $output) Invoke-TestSql $sb "select count(cron.unschedule(jobid)) from cron.job where database = '$($c.Database)'" -Database postgres | Out-Null }
            }
            'Undo-CrmMigration'         = @{ Run = { param($c) Undo-CrmMigration -BuiltIn -Connection $c.Connection } }
            'Update-CrmLeadScore'       = @{ Run = { param($c) Update-CrmLeadScore -AsOf '2030-01-01' -Full -Connection $c.Connection } }
        }
        # Commands without -WhatIf, run as a user would: they must change nothing at all.
        $script:ReadOnlyRecipes = @{
            # The replay's differences are CrmOps' and Supabase's bookkeeping, which the built-in set does not create.
            'Compare-CrmSchema'            = { param($c) Compare-CrmSchema -BuiltIn -IncludePlatform -Connection $c.Connection }
            'Connect-CrmDatabase'          = { param($c) Connect-CrmDatabase $c.ConnectionString -NoDefault }
            'Disconnect-CrmDatabase'       = { param($c) Disconnect-CrmDatabase }
            'Get-CrmAdvisory'              = { param($c) Get-CrmAdvisory -Connection $c.Connection 3> $null }
            'Get-CrmColumn'                = { param($c) Get-CrmColumn customer_profiles -Connection $c.Connection }
            'Get-CrmConnection'            = { param($c) Connect-CrmDatabase -Name conventions $c.ConnectionString -NoDefault | Out-Null; Get-CrmConnection conventions; Disconnect-CrmDatabase -Name conventions }
            'Get-CrmCustomerTimeline'      = { param($c) Get-CrmCustomerTimeline -CustomerId (Invoke-TestSql $sb 'select customer_id from customer_activity_timeline limit 3' -Database $c.Database) -Connection $c.Connection }
            'Get-CrmDbObject'              = { param($c) Get-CrmDbObject -Connection $c.Connection }
            'Get-CrmDependency'            = { param($c) Get-CrmDependency customer_activity_timeline -Connection $c.Connection }
            'Get-CrmLeadScoreDistribution' = { param($c) Get-CrmLeadScoreDistribution -Connection $c.Connection }
            'Get-CrmLeadSegment'           = { param($c) Get-CrmLeadSegment -Top 20 -Connection $c.Connection }
            'Get-CrmLeadMovement'          = { param($c) Get-CrmLeadMovement -Since 2020-01-01 -Connection $c.Connection }
            'Get-CrmLeadScoreTrend'        = { param($c) Get-CrmLeadScoreTrend -Since 2020-01-01 -Interval Week -Connection $c.Connection }
            'Get-CrmMigration'             = { param($c) Get-CrmMigration -Path $c.Migrations -Connection $c.Connection }
            'Get-CrmRefreshHistory'        = { param($c) Get-CrmRefreshHistory -Connection $c.Connection }
            'Get-CrmSchedule'              = @{
                Setup = { param($c) Register-CrmSchedule -Name "conv-read-$($c.Database)" -Task Score -Cron '0 4 * * *' -Connection $c.Connection -Confirm:$false | Out-Null }
                Run   = { param($c) Get-CrmSchedule -Connection $c.Connection }
            }
            'Get-CrmScoringHistory'        = { param($c) Get-CrmScoringHistory -Connection $c.Connection }
            'Get-CrmRowCount'              = { param($c) Get-CrmRowCount -Exact -Connection $c.Connection }
            'Get-CrmSchemaSnapshot'        = { param($c) Get-CrmSchemaSnapshot -Connection $c.Connection }
            'Test-CrmDatabase'             = { param($c) Test-CrmDatabase -Connection $c.Connection }
            'Test-CrmMigration'            = { param($c) Test-CrmMigration -Path $c.Migrations -RoundTrip -Connection $c.Connection }
            'Test-CrmRowCount'             = { param($c) Test-CrmRowCount customer_profiles -Minimum 10 -Connection $c.Connection }
        }
    }

    AfterAll {
        if ($script:sb) { Stop-CrmSandbox -Sandbox $script:sb -Confirm:$false }
    }

    It '$WhatIfPreference = $true makes <Name> change nothing (and the same call without it does change something)' -TestCases $changing {
        $recipe = $ChangingRecipes[$Name]
        if (-not $recipe) { throw "No recipe for $Name, a command that supports -WhatIf: add one to `$ChangingRecipes in tests/Pester/Conventions.Tests.ps1." }
        $case = New-Case
        $oldTmp = $env:TMPDIR
        $env:TMPDIR = $case.TmpDir  # sandboxes started by the command go here, where the fingerprint sees them
        $output = $null
        try {
            if ($recipe.Setup) { & $recipe.Setup $case }
            $before = Get-Fingerprint $case
            & {
                $WhatIfPreference = $true
                & $recipe.Run $case *> $null
            }
            $after = Get-Fingerprint $case
            $changed = @(Get-FingerprintDifference $before $after)
            if ($changed) { throw "With `$WhatIfPreference = `$true, $Name changed:`n  $($changed -join "`n  ")" }

            # The control: the same call for real changes the fingerprint, so the recipe and the
            # fingerprint between them can see what this command changes.
            $output = & {
                $ConfirmPreference = 'None'
                & $recipe.Run $case 3> $null 4> $null 6> $null
            }
            $real = Get-Fingerprint $case
            @(Get-FingerprintDifference $before $real) | Should -Not -BeNullOrEmpty -Because "the recipe for $Name must change something when run for real"
        }
        finally {
            $env:TMPDIR = $oldTmp
            if ($recipe.Cleanup) { & $recipe.Cleanup $case $output }
            if ($case.Victim -and (Test-ProcessAlive $case.Victim.ProcessId)) { Stop-CrmSandbox -Sandbox $case.Victim -Confirm:$false }
        }
    }

    It '<Name>, which has no -WhatIf, changes nothing' -TestCases $nonChanging {
        $recipe = $ReadOnlyRecipes[$Name]
        if (-not $recipe) { throw "No recipe for $Name, a command without -WhatIf: add one to `$ReadOnlyRecipes in tests/Pester/Conventions.Tests.ps1 (or give it SupportsShouldProcess if it changes anything)." }
        if (-not $script:readOnlyCase) { $script:readOnlyCase = New-Case }
        $case = $script:readOnlyCase
        # A recipe is a script block, or Setup (something for the command to read) and Run.
        if ($recipe -is [hashtable]) { & $recipe.Setup $case; $recipe = $recipe.Run }
        $before = Get-Fingerprint $case
        $output = @(& $recipe $case 3> $null)
        $after = Get-Fingerprint $case
        if ([void] -notin (Get-Command $Name).OutputType.Type) {
            $output | Should -Not -BeNullOrEmpty -Because "the recipe for $Name should do real work"
        }
        $changed = @(Get-FingerprintDifference $before $after)
        if ($changed) { throw "$Name changed:`n  $($changed -join "`n  ")" }
    }
}
