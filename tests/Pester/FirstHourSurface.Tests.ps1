#requires -Version 7.4
# The first hour (issue 14), part two: what a new user reads and types. The README's examples run as written (item 2),
# the scheduled-task recipe run as written with a failing second step (4), the customer timeline by email and name
# (9), a connection without a password (10), every default view at 120 and 80 columns (11), names, wording, help and
# tab completion (12), and the users' Pester file (13). One default sandbox, used in this order.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    # Tab completion offers the built-in set's versions, newest first, however many there are.
    $builtInVersions = @((Get-BuiltInMigrations).Version | Sort-Object -Descending)
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:root = Get-RepoRoot
    $script:psd1 = Join-Path $root 'CrmOps.psd1'
    $script:readme = Get-Content (Join-Path $root 'README.md') -Raw
    $script:sb = Start-CrmSandbox

    # The fenced code blocks of the README, by language.
    function script:Get-ReadmeBlock([string] $Language) {
        [regex]::Matches($readme, '(?ms)^```' + $Language + '\r?\n(.*?)^```') | ForEach-Object { $_.Groups[1].Value }
    }
    # A folder on PSModulePath where 'Import-Module CrmOps' finds this build, as it finds an installed module.
    $script:modules = Join-Path ([IO.Path]::GetTempPath()) "crmops-fh-modules-$PID"
    New-Item -ItemType Directory -Force $modules | Out-Null
    if (-not (Test-Path (Join-Path $modules 'CrmOps'))) { New-Item -ItemType SymbolicLink -Path (Join-Path $modules 'CrmOps') -Target $root | Out-Null }
    # The pwsh that runs these tests, as a command line for sh.
    $script:pwshLine = (Get-PwshCommand | ForEach-Object { "'$_'" }) -join ' '

    function script:Invoke-Shell([string] $Line, [hashtable] $Environment = @{}) {
        $psi = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
        $psi.ArgumentList.Add('-c'); $psi.ArgumentList.Add($Line)
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] }
        $p = [Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(180000)) { $p.Kill($true); throw 'timed out' }
        [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $out.Result; StdErr = $err.Result }
    }
    # What every scheduled-task log must be: the refresh's full result, then the scoring's failure, plain text.
    function script:Assert-NightlyLog([string] $Log) {
        $Log | Should -Not -Match "`e" -Because 'no ANSI escape codes in a log file'
        $Log | Should -Not -Match '…' -Because 'nothing cut'
        $lines = $Log -split '\r?\n'
        $refresh = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\] Invoke-CrmTimelineRefresh$' })
        $failure = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '\] Update-CrmLeadScore FAILED \(CrmOps\.ScoringNotInstalled' })
        $refresh | Should -BeGreaterOrEqual 0 -Because $Log
        $failure | Should -BeGreaterThan $refresh -Because $Log
        $result = $lines[$refresh..$failure] -join "`n"
        $result | Should -Match '(?m)^View\s+: public\.customer_activity_timeline$'
        $result | Should -Match '(?m)^Status\s+: Succeeded$'
        $result | Should -Match '(?m)^RowsAfter\s+: 11825$'
        $result | Should -Match '(?m)^StartedAt\s+: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
        $lines[$failure] | Should -Match 'Lead scoring is not installed on .*: customer_profiles has no lead_score column or lead_score_components\(\) is missing; its built-in migration 20250115100001 is not applied\. Run: Invoke-CrmMigration -BuiltIn; Update-CrmLeadScore$' -Because 'the whole message, on one line'
        $lines[$failure + 1] | Should -Be '    Recommended: Invoke-CrmMigration -BuiltIn; Update-CrmLeadScore'
    }
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
    Remove-Item (Join-Path $modules 'CrmOps') -Force -ErrorAction Ignore
    Remove-Item $modules -Recurse -Force -ErrorAction Ignore
}

Describe 'Nothing to roll back on a fresh database (item 8)' {
    It 'Undo-CrmMigration -BuiltIn with nothing applied warns and returns nothing' {
        $r = Undo-CrmMigration -BuiltIn -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        ($warned -join ' ') | Should -Match 'Nothing to roll back: no migration of .* is applied'
    }
}

Describe 'Scheduled-task logs, the README''s recipes run as written (item 4)' {
    BeforeAll {
        # The timeline is installed, lead scoring not: the nightly refresh succeeds, its scoring fails.
        Invoke-CrmMigration -BuiltIn -Target 20250115100000 -Confirm:$false | Out-Null
        $script:nightly = Join-Path $root 'examples/crmops-nightly.ps1'
    }

    It 'cron: the refresh''s full result stays in the log when scoring fails; exit code 1' {
        $cron = @(Get-ReadmeBlock 'cron')
        $cron | Should -HaveCount 1
        $line = ($cron[0].Trim() -split '\s+', 6)[5]
        $line | Should -Match '-File /etc/crmops/crmops-nightly\.ps1 >> /var/log/crmops\.log 2>&1$'
        $log = Join-Path $TestDrive 'crmops.log'
        $line = $line -replace "CRMOPS_CONNECTION='[^']*'", "CRMOPS_CONNECTION='$($sb.ConnectionString)'" `
            -replace '(?<=^|\s)pwsh(?=\s)', $pwshLine -replace '/etc/crmops/crmops-nightly\.ps1', $nightly -replace '/var/log/crmops\.log', $log
        Set-Content $log 'an earlier run'
        $r = Invoke-Shell $line @{ PSModulePath = $modules }
        $r.ExitCode | Should -Be 1
        $text = Get-Content $log -Raw
        $text | Should -Match '^an earlier run' -Because '>> appends'
        Assert-NightlyLog $text
    }

    It 'systemd and the Task Scheduler run the same script' {
        (Get-ReadmeBlock 'ini') -join "`n" | Should -Match '(?m)^ExecStart=/usr/bin/pwsh -NoProfile -File /etc/crmops/crmops-nightly\.ps1$'
        (Get-ReadmeBlock 'powershell') -join "`n" | Should -Match "crmops-nightly\.ps1'' \*>> ''C:"
        (Get-ReadmeBlock 'powershell') -join "`n" | Should -Not -Match 'Invoke-CrmTimelineRefresh -ErrorAction Stop; Update-CrmLeadScore' -Because 'no two-command -Command line as a job'
    }

    It 'Task Scheduler: the same log through PowerShell''s own redirection; exit code 1' {
        $block = (Get-ReadmeBlock 'powershell') | Where-Object { $_ -match 'New-ScheduledTaskAction' }
        $tokens = $null; $errors = $null
        $ast = [Management.Automation.Language.Parser]::ParseInput($block, [ref] $tokens, [ref] $errors)
        $argument = $ast.Find({ param($a) $a -is [Management.Automation.Language.CommandParameterAst] -and $a.ParameterName -eq 'Argument' }, $true)
        $value = $argument.Parent.CommandElements[$argument.Parent.CommandElements.IndexOf($argument) + 1].Value
        $value | Should -Match '^-NoProfile -Command "(.*)"$'
        $command = ([regex]::Match($value, '^-NoProfile -Command "(.*)"$').Groups[1].Value)
        $log = Join-Path $TestDrive 'crmops-win.log'
        $command = $command.Replace('C:\crmops\crmops-nightly.ps1', $nightly).Replace('C:\crmops\crmops.log', $log)
        $pwsh = Get-PwshCommand
        $psi = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
        foreach ($a in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-Command', $command)) { $psi.ArgumentList.Add($a) }
        $psi.Environment['CRMOPS_CONNECTION'] = $sb.ConnectionString
        $psi.Environment['PSModulePath'] = $modules
        $psi.UseShellExecute = $false; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
        $p = [Diagnostics.Process]::Start($psi)
        $null = $p.StandardOutput.ReadToEnd(); $null = $p.StandardError.ReadToEnd()
        $p.WaitForExit()
        $p.ExitCode | Should -Be 1
        Assert-NightlyLog (Get-Content $log -Raw)
    }

    It 'a night where both steps succeed logs both results and exits 0' {
        Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
        $r = Invoke-Shell "$pwshLine -NoProfile -File '$nightly'" @{ PSModulePath = $modules; CRMOPS_CONNECTION = $sb.ConnectionString }
        $r.ExitCode | Should -Be 0 -Because $r.StdOut
        $r.StdOut | Should -Match '(?m)^Status\s+: Succeeded$'
        $r.StdOut | Should -Match '(?m)^Hot\s+: 20$' -Because 'the sandbox scores as of its reference date'
        $r.StdOut | Should -Match '\] done'
        $r.StdOut | Should -Not -Match "`e"
    }
}

Describe 'The README''s examples, typed as written (item 2)' {
    It 'a fresh sandbox and the README''s first block export 20 Hot leads, and every check passes' {
        $block = (Get-ReadmeBlock 'powershell')[0]
        $block | Should -Match 'Get-CrmLeadSegment -Segment Hot \| Export-Csv hot\.csv'
        $block | Should -Match '^Import-Module CrmOps\b'
        $work = Join-Path $TestDrive 'readme'
        New-Item -ItemType Directory $work | Out-Null
        # As typed, in a folder of one's own, with CrmOps installed (on PSModulePath).
        $r = Invoke-ChildPwsh -Script ("Set-Location '$work'`n" + $block) -Environment @{ PSModulePath = $modules } -TimeoutSeconds 300
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdErr | Should -BeNullOrEmpty
        $r.StdOut | Should -Match 'reference date' -Because 'scoring said which as-of date it used'
        $r.StdOut | Should -Not -Match '\bFAIL\b'
        $hot = Import-Csv (Join-Path $work 'hot.csv')
        $hot | Should -HaveCount 20
        $hot.Segment | Sort-Object -Unique | Should -Be 'Hot'
    }
}

Describe 'Get-CrmCustomerTimeline by email and by name (item 9)' {
    BeforeAll {
        Invoke-CrmMigration -BuiltIn -Confirm:$false 6>$null | Out-Null
        Invoke-CrmTimelineRefresh | Out-Null
        Update-CrmLeadScore -Confirm:$false 6>$null | Out-Null
        # A customer with activity gets a second email (the sample has one each): id, that email, name, activities.
        $row = Invoke-TestSql $sb @'
with c as (select t.customer_id, count(*) as n from customer_activity_timeline t group by t.customer_id order by t.customer_id limit 1),
     e as (insert into customer_emails (customer_id, email, is_primary) select customer_id, 'Second.Address.FH@Example.org', false from c returning customer_id, email)
select c.customer_id, e.email, p.canonical_full_name, c.n from c join e using (customer_id) join customer_profiles p on p.id = c.customer_id
'@
        $script:c = $row -split "`t"
    }

    It 'takes any of the customer''s emails, in any case, with spaces around it' {
        $acts = @(Get-CrmCustomerTimeline "  $($c[1].ToUpperInvariant()) ")
        $acts | Should -HaveCount ([int]$c[3])
        $acts.CustomerId | Sort-Object -Unique | Should -Be $c[0]
        $acts[0].FullName | Should -Be $c[2]
        @(Get-CrmCustomerTimeline -Email $c[1]).Count | Should -Be ([int]$c[3])
    }

    It 'takes a name, exactly in any case or with wildcards, and an id as text' {
        $byName = @(Get-CrmCustomerTimeline -Name $c[2].ToUpperInvariant())
        $ids = @(Invoke-TestSql $sb "select id from customer_profiles where lower(canonical_full_name) = lower('$($c[2].Replace("'", "''"))')")
        ($byName.CustomerId | Sort-Object -Unique) | Should -Be ($ids | Sort-Object)
        $prefix = $c[2].Substring(0, $c[2].Length - 2)
        $wild = @(Get-CrmCustomerTimeline -Name "$prefix*" -Last 1)
        $wild.Count | Should -BeGreaterThan 0
        $wild.Count | Should -Be ([int](Invoke-TestSql $sb "select count(distinct t.customer_id) from customer_activity_timeline t join customer_profiles p on p.id = t.customer_id where lower(p.canonical_full_name) like lower('$($prefix.Replace("'", "''"))') || '%'"))
        @(Get-CrmCustomerTimeline $c[0]).Count | Should -Be ([int]$c[3])
    }

    It 'groups the rows of several customers under each customer in the default view' {
        $leads = Get-CrmLeadSegment Hot -Top 3
        $text = $leads | Get-CrmCustomerTimeline -Last 2 | Out-String -Width 120
        foreach ($l in $leads) { $text | Should -Match ([regex]::Escape("Customer: $($l.FullName) <$($l.Email)>")) }
        ([regex]::Matches($text, 'Customer: ')).Count | Should -Be 3
        @($leads[0], $leads[0] | Get-CrmCustomerTimeline).Count | Should -Be ([int](Invoke-TestSql $sb "select count(*) from customer_activity_timeline where customer_id = '$($leads[0].CustomerId)'")) -Because 'a customer named twice is shown once'
    }

    It 'says what is wrong with an unknown email or a name given as an email' {
        Get-CrmCustomerTimeline 'nobody@example.com' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.CustomerNotFound*'
        Get-CrmCustomerTimeline $c[2] -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.CustomerEmailInvalid*'
        @(Invoke-Expression $err[0].ErrorDetails.RecommendedAction).Count | Should -BeGreaterThan 0
        Get-CrmCustomerTimeline -Name 'Nobody Atall' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.CustomerNotFound*'
    }
}

Describe 'Every default view at 120 and 80 columns (item 11)' {
    BeforeDiscovery {
        $script:views = @('Connection', 'Sandbox', 'DbObject', 'Column', 'Dependency', 'RowCount', 'Check', 'Migration', 'MigrationPlan',
            'Refresh', 'Scoring', 'Segments', 'Lead', 'Activity') | ForEach-Object { @{ View = $_ } }
    }
    BeforeAll {
        Invoke-TestSql $sb "insert into supabase_migrations.crmops_refresh_log (view_name, mode, status, started_at, duration_ms, message) values ('public.customer_activity_timeline', 'Concurrent', 'Failed', now(), 2000, 'Refreshing public.customer_activity_timeline on 127.0.0.1:5432 gave up after waiting 2 s for AccessShareLock on orders_htx, held by pid 4242 (user postgres, application ''psql'', idle in transaction, transaction open 14 s, holding AccessExclusiveLock: LOCK TABLE orders_htx IN ACCESS EXCLUSIVE MODE).')" | Out-Null
        $dir = Join-Path $TestDrive 'plan'
        New-Item -ItemType Directory -Force (Join-Path $dir 'migrations'), (Join-Path $dir 'rollbacks') | Out-Null
        Set-Content (Join-Path $dir 'migrations/20990101000000_add_a_rather_long_column_name_to_the_customer_profiles.sql') 'alter table customer_profiles add column x int; alter table customer_engagement_metrics add column y int;'
        Set-Content (Join-Path $dir 'rollbacks/20990101000000_add_a_rather_long_column_name_to_the_customer_profiles.sql') 'alter table customer_profiles drop column x; alter table customer_engagement_metrics drop column y;'
        $script:objects = @{
            Connection = $sb.Connection; Sandbox = $sb; DbObject = Get-CrmDbObject -Type Table, View, MaterializedView, Index
            Column = Get-CrmColumn customer_profiles; Dependency = Get-CrmDependency customer_activity_timeline
            RowCount = Get-CrmRowCount -Exact; Check = Test-CrmDatabase; Migration = Get-CrmMigration -BuiltIn
            MigrationPlan = Invoke-CrmMigration -Path $dir -WhatIf 3>$null; Refresh = Get-CrmRefreshHistory
            Scoring = Update-CrmLeadScore -WhatIf 6>$null; Segments = Get-CrmLeadScoreDistribution
            Lead = Get-CrmLeadSegment -Top 5; Activity = Get-CrmLeadSegment -Top 2 | Get-CrmCustomerTimeline -Last 3
        }
        $script:rendering = $PSStyle.OutputRendering
        $PSStyle.OutputRendering = 'PlainText'
    }
    AfterAll { $PSStyle.OutputRendering = $script:rendering }

    It '<View>: every column shown, nothing cut, within <Width> columns' -ForEach ($views | ForEach-Object { @{ View = $_.View; Width = 120 }, @{ View = $_.View; Width = 80 } }) {
        $items = @($objects[$View])
        $items.Count | Should -BeGreaterThan 0
        $text = $items | Out-String -Width $Width
        $text | Should -Not -Match '…' -Because "nothing is cut:`n$text"
        foreach ($line in $text -split "`n") { $line.TrimEnd().Length | Should -BeLessOrEqual $Width -Because $line }
        $type = $items[0].GetType().FullName
        $headers = (Get-FormatData -TypeName $type).FormatViewDefinition[0].Control.Headers.Label | Where-Object { $_ -and $_.Trim() }
        foreach ($h in $headers) { $text | Should -Match ([regex]::Escape($h)) -Because "column '$h' of $type must not be dropped at $Width columns:`n$text" }
        if ($View -eq 'Refresh') { ($text -replace '\s+', '') | Should -Match 'LOCKTABLEorders_htxINACCESSEXCLUSIVEMODE\)\.' -Because 'the whole failure message, wrapped' }
        if ($View -eq 'Migration') { ($text -replace '\s+', '') | Should -Match 'create_customer_activity_timeline_correct' }
    }

    It 'Get-CrmDbObject lists tables, views and materialized views by default; an exact name finds anything; -Type the rest' {
        $default = Get-CrmDbObject
        $default.Type | ForEach-Object ToString | Sort-Object -Unique | Should -Be @('MaterializedView', 'Table', 'View')
        (Get-CrmDbObject customer_emails_pkey).Type | Should -Be 'Index'
        (Get-CrmDbObject lead_score_components).Type | Should -Be 'Function'
        (Get-CrmDbObject -Type Index).Name | Should -Contain 'customer_emails_pkey'
        @(Get-CrmDbObject customer_emails*).Type | Sort-Object -Unique | Should -Be 'Table' -Because 'a pattern lists relations'
    }
}

Describe 'Names as PostgreSQL reads them (item 12)' {
    BeforeAll {
        Invoke-TestSql $sb 'create table "Customer_Profiles" (x int); insert into "Customer_Profiles" values (1), (2);' | Out-Null
    }
    AfterAll { Invoke-TestSql $sb 'drop table "Customer_Profiles"' | Out-Null }

    It 'an unquoted name folds to lower case; a quoted one keeps its case' {
        (Get-CrmRowCount Customer_Profiles -Exact).Rows | Should -Be 9369
        (Get-CrmRowCount '"Customer_Profiles"' -Exact).Rows | Should -Be 2
        (Get-CrmRowCount Customer_Profiles -Schema Public -Exact).Rows | Should -Be 9369
        (Get-CrmColumn '"Customer_Profiles"').Name | Should -Be 'x'
        (Get-CrmColumn PUBLIC.CUSTOMER_PROFILES).Name | Should -Contain 'canonical_full_name'
        (Get-CrmDbObject '"Customer_Profiles"').Name | Should -Be 'Customer_Profiles'
        (Get-CrmDbObject Customer_Profiles).Name | Should -Be 'customer_profiles'
        Test-CrmRowCount '"Customer_Profiles"' -Expected 2 -Quiet | Should -BeTrue
        (Get-CrmDependency Customer_Orders_V).DependsOn | Should -Contain 'orders_htx'
        (Invoke-CrmTimelineRefresh Customer_Activity_Timeline).Status | Should -Be 'Succeeded'
        Get-CrmRowCount '"customer_PROFILES"' -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Match 'was not found'
    }

    It 'a name that comes down the pipeline is the catalog''s own, exactly' {
        (Get-CrmDbObject -Type Table | Where-Object Name -CEQ 'Customer_Profiles' | Get-CrmRowCount -Exact).Rows | Should -Be 2
        (Get-CrmDbObject -Type Table | Where-Object Name -CEQ 'Customer_Profiles' | Get-CrmColumn).Name | Should -Be 'x'
        $all = Get-CrmDbObject -Type Table | Get-CrmRowCount -Exact
        ($all | Where-Object Table -CEQ 'Customer_Profiles').Rows | Should -Be 2
        ($all | Where-Object Table -CEQ 'customer_profiles').Rows | Should -Be 9369
    }

    It 'Test-CrmMigration without -RoundTrip says what it checked (not the SQL), and -RoundTrip finds the typo' {
        $dir = Join-Path $TestDrive 'wher'
        New-Item -ItemType Directory -Force (Join-Path $dir 'migrations'), (Join-Path $dir 'rollbacks') | Out-Null
        Set-Content (Join-Path $dir 'migrations/20990101000000_typo.sql') 'delete from customers WHER id is null;'
        Set-Content (Join-Path $dir 'rollbacks/20990101000000_typo.sql') 'select 1;'
        $files = Test-CrmMigration -Path $dir | Where-Object Check -EQ 'MigrationFiles'
        $files.Passed | Should -BeTrue
        $files.Message | Should -Not -Match 'scripts are valid'
        $files.Message | Should -Match 'SQL itself was not run.*-RoundTrip'
        $rehearsal = Test-CrmMigration -Path $dir -RoundTrip -AllowOutOfOrder -WarningAction SilentlyContinue
        @($rehearsal | Where-Object { -not $_.Passed }).Count | Should -BeGreaterThan 0
        ($rehearsal.Message -join ' ') | Should -Match 'syntax error'
    }
}

Describe 'Help, README and tab completion (item 12)' {
    It 'help names no file outside the repository and no crmops owner role' {
        foreach ($cmd in Get-Command -Module CrmOps -CommandType Cmdlet) {
            $text = Get-Help $cmd.Name -Full | Out-String -Width 500
            $text | Should -Not -Match 'crm-database\.md|\.\./shared|owner role \(crmops\)' -Because $cmd.Name
            foreach ($m in [regex]::Matches($text, '[\w./-]+\.md\b')) {
                Test-Path (Join-Path $root $m.Value) | Should -BeTrue -Because "$($cmd.Name) refers to $($m.Value)"
            }
        }
    }

    It 'the README lists every exported command, and links only to files in the repository' {
        $table = [regex]::Match($readme, '(?ms)^\| area \| commands \|.*?(?=^\s*$)').Value
        foreach ($name in (Import-PowerShellDataFile $psd1).CmdletsToExport) { $table | Should -Match "``$name``" -Because "$name belongs in the command table" }
        foreach ($m in [regex]::Matches($readme, '\]\(([^)#]+)\)')) {
            $target = $m.Groups[1].Value
            if ($target -match '^https?://') { continue }
            $target | Should -Not -Match '^\.\./' -Because 'the README links only inside the repository'
            Test-Path (Join-Path $root $target) | Should -BeTrue -Because "README links to $target"
        }
    }

    It 'completes <Line>' -ForEach @(
        @{ Line = 'Invoke-CrmMigration -BuiltIn -Target '; Expected = $builtInVersions }
        @{ Line = 'Undo-CrmMigration -BuiltIn -Target 2025'; Expected = @($builtInVersions -like '2025*') }
        @{ Line = 'Set-CrmMigrationState -BuiltIn -Version 20250115'; Expected = @($builtInVersions -like '20250115*') }
        @{ Line = 'Get-CrmRowCount -Schema '; Expected = @('crmops', 'public', 'supabase_migrations') }
        @{ Line = 'Get-CrmDbObject -Schema pu'; Expected = @('public') }
        @{ Line = 'Get-CrmColumn customer_profiles -Schema P'; Expected = @('public') }
    ) {
        $completions = (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        $completions | Should -Be $Expected
    }
}

Describe 'A connection without a password (item 10)' {
    BeforeAll {
        Invoke-TestSql $sb "create role fh_pw login password 'Fh-Secret-91'; grant connect on database crm to fh_pw; grant usage on schema public to fh_pw; grant select on all tables in schema public to fh_pw;" | Out-Null
        $script:noPassword = "Host=127.0.0.1;Port=$($sb.Port);Username=fh_pw;Database=crm"
    }
    AfterAll {
        Connect-CrmDatabase $sb.ConnectionString | Out-Null
        # Its grants are schema (the drift check counts them): gone again, so later tests see the migrations' schema.
        Invoke-TestSql $sb 'revoke select on all tables in schema public from fh_pw; revoke usage on schema public from fh_pw; revoke connect on database crm from fh_pw;' | Out-Null
    }

    It 'says how to give one, and the recommendation connects' {
        { Connect-CrmDatabase $noPassword -NoDefault -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ConnectionPasswordMissing,*'
        $e = $Error[0]
        $e.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $e.Exception.Message | Should -Match '127\.0\.0\.1:\d+.*asks user "fh_pw" for a password'
        foreach ($way in '-Credential', 'PGPASSFILE', 'CRMOPS_CONNECTION') { $e.Exception.Message | Should -Match ([regex]::Escape($way)) }
        $e.Exception.Message | Should -Not -Match 'SASL|No password has been provided'
        function Get-Credential([string] $UserName) { [pscredential]::new($UserName, (ConvertTo-SecureString 'Fh-Secret-91' -AsPlainText -Force)) }
        $c = Invoke-Expression $e.ErrorDetails.RecommendedAction
        $c.Username | Should -Be 'fh_pw'
        (Get-CrmRowCount customer_profiles -Exact).Rows | Should -Be 9369
        { Get-CrmRowCount customers -Connection $noPassword -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ConnectionPasswordMissing,*'
    }
}

Describe 'The users'' Pester file, run as CI would, with the connection from the environment (item 13)' {
    BeforeAll {
        $script:pester = Join-Path (Get-NuGetPackageRoot) 'pester/5.7.1/tools/Pester.psd1'
        $script:examplePath = Join-Path $root 'examples/CrmDatabase.Tests.ps1'
        $script:runExample = @"
Import-Module '$pester'
Import-Module '$psd1'
`$config = New-PesterConfiguration
`$config.Run.Path = '$examplePath'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'None'
`$r = Invoke-Pester -Configuration `$config
"RESULT `$(`$r.PassedCount) `$(`$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount)"
`$r.Failed | ForEach-Object { "FAILED `$(`$_.ExpandedName)" }
"@
    }

    It 'passes on a healthy CRM' {
        Invoke-CrmTimelineRefresh | Out-Null
        Update-CrmLeadScore -Confirm:$false 6>$null | Out-Null
        $r = Invoke-ChildPwsh -Script $runExample -Environment @{ CRMOPS_CONNECTION = $sb.ConnectionString } -TimeoutSeconds 300
        $r.StdOut | Should -Match 'RESULT (\d+) 0' -Because "$($r.StdOut)`n$($r.StdErr)"
        [int]([regex]::Match($r.StdOut, 'RESULT (\d+)').Groups[1].Value) | Should -BeGreaterThan 15
    }

    It 'fails, naming the tests, when a migration is pending' {
        Undo-CrmMigration -BuiltIn -Target 20250115100000 -Confirm:$false | Out-Null
        try {
            $r = Invoke-ChildPwsh -Script $runExample -Environment @{ CRMOPS_CONNECTION = $sb.ConnectionString } -TimeoutSeconds 300
            $r.StdOut | Should -Match 'FAILED has no migration pending'
            $r.StdOut | Should -Match 'FAILED EveryProfileScored'
        }
        finally {
            Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
            Update-CrmLeadScore -Confirm:$false 6>$null | Out-Null
        }
    }
}
