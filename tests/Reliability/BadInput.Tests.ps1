#requires -Version 7.4
# Issue 8.5: bad input across all commands, one row per input. Each must give an ErrorRecord with a
# stable id (CrmOps.* or PowerShell's own parameter-binding ids where a validation attribute catches
# it), no stack trace, and leave the schema fingerprint and every row count exactly as they were.
BeforeDiscovery {
    $inj = "x'; drop table public.orders_htx; --"
    $script:cases = @(
        # connection strings and URIs
        @{ Name = 'keyword string with a non-numeric port'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port=abc;Username=postgres' -NoDefault" }
        @{ Name = 'keyword string with no host'; Script = "Connect-CrmDatabase 'Host=;Username=postgres;Database=crm' -NoDefault" }
        @{ Name = 'URI with a non-numeric port'; Script = "Connect-CrmDatabase 'postgresql://postgres@127.0.0.1:notaport/crm' -NoDefault" }
        @{ Name = 'URI with a broken percent escape'; Script = "Connect-CrmDatabase 'postgresql://po%zzstgres@127.0.0.1/crm' -NoDefault" }
        @{ Name = 'URI with an unknown sslmode'; Script = "Connect-CrmDatabase 'postgresql://postgres@127.0.0.1:{port}/crm?sslmode=bogus' -NoDefault" }
        @{ Name = 'plain words instead of a connection string'; Script = "Connect-CrmDatabase 'this is not a connection string' -NoDefault" }
        @{ Name = 'port out of range'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port=99999;Username=postgres;Database=crm' -NoDefault" }
        @{ Name = 'unknown host'; Script = "Connect-CrmDatabase 'Host=no-such-host.invalid;Username=postgres;Database=crm' -NoDefault" }
        @{ Name = 'nobody listening on the port'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port=1;Username=postgres;Database=crm' -NoDefault" }
        @{ Name = 'wrong password'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port={port};Username=rel_pw_user;Password=wrong-Pa55;Database=crm' -NoDefault" }
        @{ Name = 'unknown database'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port={port};Username=postgres;Database=no_such_db' -NoDefault" }
        @{ Name = 'unknown role'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port={port};Username=no_such_role;Password=x;Database=crm' -NoDefault" }
        @{ Name = '-Connection string to an unknown host'; Script = "Get-CrmRowCount customers -Connection 'Host=no-such-host.invalid;Username=postgres;Database=crm'" }
        @{ Name = '-Connection with a malformed string'; Script = "Get-CrmDbObject -Connection 'Host=127.0.0.1;Port=abc'" }
        # unknown objects and injection strings in every string parameter
        @{ Name = 'Get-CrmColumn unknown table'; Script = "Get-CrmColumn no_such_table" }
        @{ Name = 'Get-CrmColumn injection'; Script = "Get-CrmColumn `"$inj`"" }
        @{ Name = 'Get-CrmColumn -Schema injection'; Script = "Get-CrmColumn customers -Schema `"$inj`"" }
        @{ Name = 'Get-CrmRowCount injection'; Script = "Get-CrmRowCount `"$inj`" -Exact" }
        @{ Name = 'Get-CrmRowCount quoted-identifier injection'; Script = "Get-CrmRowCount 'x`"; drop table public.orders_htx; --' -Exact" }
        @{ Name = 'Test-CrmRowCount injection'; Script = "Test-CrmRowCount `"$inj`" -Minimum 1" }
        @{ Name = 'Get-CrmDependency injection'; Script = "Get-CrmDependency `"$inj`"" }
        @{ Name = 'Get-CrmDependency bad direction'; Script = "Get-CrmDependency customer_orders_v -Direction Sideways" }
        @{ Name = 'Get-CrmDbObject -Type unknown'; Script = "Get-CrmDbObject -Type Spaceship" }
        @{ Name = 'Invoke-CrmTimelineRefresh injection'; Script = "Invoke-CrmTimelineRefresh -Name `"$inj`"" }
        @{ Name = 'Invoke-CrmTimelineRefresh on a table'; Script = "Invoke-CrmTimelineRefresh -Name customer_profiles" }
        @{ Name = 'Invoke-CrmTimelineRefresh negative lock timeout'; Script = "Invoke-CrmTimelineRefresh -LockTimeout '-00:00:01'" }
        @{ Name = 'Get-CrmCustomerTimeline id not a guid'; Script = "Get-CrmCustomerTimeline -CustomerId `"$inj`"" }
        @{ Name = 'Update-CrmLeadScore id not a guid'; Script = "Update-CrmLeadScore -CustomerId `"$inj`"" }
        @{ Name = 'Get-CrmLeadSegment unknown segment'; Script = "Get-CrmLeadSegment -Segment Scorching" }
        @{ Name = 'Set-CrmMigrationState injection version'; Script = "Set-CrmMigrationState -BuiltIn -Version `"$inj`" -State Applied -Confirm:```$false" }
        @{ Name = 'Set-CrmMigrationState unknown state'; Script = "Set-CrmMigrationState -BuiltIn -Version 20250115100000 -State Bogus -Confirm:```$false" }
        @{ Name = 'New-CrmMigration name with path traversal'; Script = "New-CrmMigration -Name '../../../tmp/evil' -Path '{dir}/new'" }
        @{ Name = 'Invoke-CrmMigration -Target injection'; Script = "Invoke-CrmMigration -Path '{dir}/good' -Target `"$inj`" -Confirm:```$false" }
        # out-of-range numbers and dates
        @{ Name = 'Update-CrmLeadScore -AsOf 1900'; Script = "Update-CrmLeadScore -AsOf 1900-01-01" }
        @{ Name = 'Update-CrmLeadScore -AsOf 9999'; Script = "Update-CrmLeadScore -AsOf 9999-12-31" }
        @{ Name = 'Update-CrmLeadScore -AsOf not a date'; Script = "Update-CrmLeadScore -AsOf 'yesterday-ish'" }
        @{ Name = 'Update-CrmLeadScore -BatchSize 0'; Script = "Update-CrmLeadScore -BatchSize 0 -AsOf 2025-10-15" }
        @{ Name = 'Get-CrmLeadSegment -Top -5'; Script = "Get-CrmLeadSegment -Top -5" }
        @{ Name = 'Get-CrmLeadSegment -MinScore 999'; Script = "Get-CrmLeadSegment -MinScore 999" }
        @{ Name = 'Get-CrmCustomerTimeline -Last -1'; Script = "Get-CrmCustomerTimeline -CustomerId ([guid]::NewGuid()) -Last -1" }
        @{ Name = 'Get-CrmRefreshHistory -Last 0'; Script = "Get-CrmRefreshHistory -Last 0" }
        @{ Name = 'Undo-CrmMigration -Count 0'; Script = "Undo-CrmMigration -BuiltIn -Count 0 -Confirm:```$false" }
        @{ Name = 'Test-CrmRowCount -Minimum above -Maximum'; Script = "Test-CrmRowCount customer_profiles -Minimum 10 -Maximum 5" }
        @{ Name = 'Start-CrmSandbox -Customers 5'; Script = "Start-CrmSandbox -Customers 5" }
        @{ Name = 'Test-CrmDatabase negative percent'; Script = "Test-CrmDatabase -MaxUnlinkedPercent -5" }
        # malformed migration sets
        @{ Name = 'migration folder that does not exist'; Script = "Invoke-CrmMigration -Path '{dir}/no-such-folder' -Confirm:```$false" }
        @{ Name = 'unterminated dollar quote'; Script = "Invoke-CrmMigration -Path '{dir}/dollar' -Confirm:```$false" }
        @{ Name = 'duplicate version'; Script = "Invoke-CrmMigration -Path '{dir}/duplicate' -Confirm:```$false" }
        @{ Name = 'empty migration file'; Script = "Invoke-CrmMigration -Path '{dir}/empty' -Confirm:```$false" }
        @{ Name = 'binary garbage'; Script = "Invoke-CrmMigration -Path '{dir}/binary' -Confirm:```$false" }
        @{ Name = 'a 50 MB file'; Script = "Invoke-CrmMigration -Path '{dir}/huge' -Confirm:```$false" }
        @{ Name = 'missing rollback'; Script = "Undo-CrmMigration -Path '{dir}/norollback' -Confirm:```$false" }
        @{ Name = 'verify script that errors'; Script = "Invoke-CrmMigration -Path '{dir}/badverify' -Confirm:```$false" }
        @{ Name = 'a statement that fails half-way'; Script = "Invoke-CrmMigration -Path '{dir}/halfway' -Confirm:```$false" }
        # Issue 12: the parameter is named, never a migration file; 0 would mean no timeout at all to PostgreSQL.
        @{ Name = 'Invoke-CrmMigration -LockTimeout -1'; Script = "Invoke-CrmMigration -Path '{dir}/good' -LockTimeout -1 -Confirm:```$false"; Match = "parameter 'LockTimeout'" }
        @{ Name = 'Invoke-CrmMigration -LockTimeout 0'; Script = "Invoke-CrmMigration -Path '{dir}/good' -LockTimeout 0 -Confirm:```$false"; Match = "parameter 'LockTimeout'.*no limit" }
        @{ Name = 'Undo-CrmMigration -LockTimeout 00:00:00'; Script = "Undo-CrmMigration -Path '{dir}/norollback' -LockTimeout '00:00:00' -Confirm:```$false"; Match = "parameter 'LockTimeout'" }
        @{ Name = 'Test-CrmMigration -RoundTrip -LockTimeout 0'; Script = "Test-CrmMigration -Path '{dir}/good' -RoundTrip -LockTimeout 0"; Match = "parameter 'LockTimeout'" }
        # Issue 12: a statement_timeout too short for any work is named as such, not as a failure to connect.
        @{ Name = 'Options=-c statement_timeout=1 in the connection string'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port={port};Username=postgres;Database=crm;Options=-c statement_timeout=1' -NoDefault"; Match = 'statement_timeout is too short' }
        @{ Name = 'a role whose statement_timeout is 1 ms'; Script = "Connect-CrmDatabase 'Host=127.0.0.1;Port={port};Username=rel_short;Password=Short-Pa55;Database=crm' -NoDefault"; Match = 'statement_timeout is too short' }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/ReliabilityHelpers.psm1" -Force
    Import-Module (Get-ModulePath) -Force
    $script:sb = Start-TestSandbox
    # Supabase's ledger, as the CLI creates it, so that every case also checks what lands there.
    Invoke-TestSql $script:sb 'create schema if not exists supabase_migrations; create table if not exists supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text)' | Out-Null
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null
    Update-CrmLeadScore -AsOf 2025-10-15 | Out-Null
    Invoke-TestSql $script:sb "create role rel_pw_user login password 'Right-Pa55-for-bad-input'" | Out-Null
    Invoke-TestSql $script:sb "create role rel_short login password 'Short-Pa55'; alter role rel_short set statement_timeout = 1" | Out-Null

    $script:dir = Join-Path $TestDrive 'sets'
    function New-Set([string] $Name, [hashtable] $Files) {
        foreach ($d in 'migrations', 'rollbacks', 'verify') { New-Item -ItemType Directory -Force (Join-Path $script:dir "$Name/$d") | Out-Null }
        foreach ($k in $Files.Keys) {
            $path = Join-Path $script:dir "$Name/$k"
            if ($Files[$k] -is [byte[]]) { [IO.File]::WriteAllBytes($path, $Files[$k]) } else { [IO.File]::WriteAllText($path, $Files[$k]) }
        }
    }
    New-Item -ItemType Directory -Force (Join-Path $script:dir 'new') | Out-Null
    New-Set good @{ 'migrations/20400101000000_good.sql' = 'create table public.bad_good (id int);'; 'rollbacks/20400101000000_good.sql' = 'drop table public.bad_good;' }
    New-Set dollar @{ 'migrations/20400101000001_dollar.sql' = "create function public.f() returns int language plpgsql as `$`$ begin return 1; end;`n" }
    New-Set duplicate @{ 'migrations/20400101000002_one.sql' = 'create table public.bad_dup1 (id int);'; 'migrations/20400101000002_two.sql' = 'create table public.bad_dup2 (id int);' }
    New-Set empty @{ 'migrations/20400101000003_empty.sql' = '' }
    $garbage = [byte[]]::new(4096); [Random]::new(8).NextBytes($garbage)
    New-Set binary @{ 'migrations/20400101000004_binary.sql' = $garbage }
    New-Set badverify @{ 'migrations/20400101000006_badverify.sql' = 'create table public.bad_verify (id int);'; 'rollbacks/20400101000006_badverify.sql' = 'drop table public.bad_verify;'; 'verify/20400101000006_badverify.sql' = 'select 1/0 = 1;' }
    New-Set halfway @{ 'migrations/20400101000007_halfway.sql' = "create table public.bad_half (id int);`ninsert into public.no_such_table values (1);" }
    New-Set huge @{}
    $huge = Join-Path $script:dir 'huge/migrations/20400101000005_huge.sql'
    $line = [Text.Encoding]::UTF8.GetBytes(('-- ' + ('x' * 96) + "`n"))
    $fs = [IO.File]::Create($huge); try { foreach ($i in 1..(50MB / $line.Length)) { $fs.Write($line, 0, $line.Length) } } finally { $fs.Dispose() }
    # An applied migration whose rollback file is missing.
    New-Set norollback @{ 'migrations/20390101000000_norollback.sql' = 'create table public.bad_norollback (id int);' }
    Invoke-CrmMigration -Path (Join-Path $script:dir norollback) -Confirm:$false | Out-Null
    # rel_weak: a role without rights that the connecting role may SET ROLE to (a member of it: on the Supabase shape
    # postgres is no superuser, and a file's SET ROLE needs the membership a real project would have given).
    Invoke-TestSql $script:sb 'create role rel_weak nologin; grant rel_weak to postgres; create table public.rel_nt_applied (migration text not null)' | Out-Null

    # Issue 12's cases: each set in a folder of its own (created once, by whichever block runs first).
    $script:cases = Join-Path $script:dir 'cases'
    function New-CaseFolder([string] $Root, [hashtable] $Files, [hashtable] $Template, [string] $Version) {
        foreach ($d in 'migrations', 'rollbacks', 'verify') { New-Item -ItemType Directory -Force (Join-Path $Root $d) | Out-Null }
        if ($Template) {
            # New-CrmMigration's own files, renamed to the case's version (header included, as if made at that time).
            $m = New-CrmMigration -Name $Template.Name -Path $Root
            foreach ($kind in 'migrations', 'rollbacks', 'verify') {
                $old = Join-Path $Root "$kind/$($m.Version)_$($Template.Name).sql"
                $text = [IO.File]::ReadAllText($old).Replace($m.Version, $Version)
                Remove-Item $old
                if ($kind -eq 'migrations' -and $Template.Up) { $text += $Template.Up + "`n" }
                [IO.File]::WriteAllText((Join-Path $Root "$kind/$($Version)_$($Template.Name).sql"), $text)
            }
        }
        foreach ($k in $Files.Keys) {
            $text = $Files[$k]
            # SET SESSION AUTHORIZATION needs a superuser session: on the Supabase shape (postgres is no superuser) the
            # same case switches identity with SET ROLE, which a member may.
            if ($script:sb.Supabase) { $text = $text.Replace('set session authorization rel_weak', 'set role rel_weak').Replace('reset session authorization', 'reset role') }
            [IO.File]::WriteAllText((Join-Path $Root $k), $text)
        }
    }
    function Initialize-CaseSets([object[]] $Cases) {
        foreach ($c in $Cases) {
            $root = Join-Path $script:cases $c.Dir
            if (Test-Path $root) { continue }
            New-CaseFolder $root $c.Files $c.Template $c.V0
            if ($c.SetupFiles) { New-CaseFolder "$root.setup" $c.SetupFiles $null $c.V0 }
        }
    }
    # Runs a case's command text ({dir}: its folder, {port}: the sandbox, {cs}: its direct connection, which migrations
    # without a transaction need); returns the error record, or throws when
    # it succeeds although it must fail.
    function Invoke-CaseScript([string] $Text, [string] $Root, [switch] $MustFail) {
        $text = $Text.Replace('{dir}', $Root).Replace('{port}', "$($script:sb.Port)").Replace('Database=crm', "Database=$($script:sb.Database)").Replace('{cs}', $script:sb.ConnectionString)
        $ErrorActionPreference = 'Stop'
        $record = $null
        try { $null = & ([scriptblock]::Create($text)) } catch { $record = $_ }
        if ($MustFail -and -not $record) { throw "'$text' must fail" }
        if (-not $MustFail -and $record) { throw "setup '$text' failed: $record" }
        $record
    }
    function Assert-Same($Before, $After) {
        $After.Schema | Should -Be $Before.Schema -Because 'the schema must not change'
        $After.Counts | Should -Be $Before.Counts
        $After.Data | Should -Be $Before.Data -Because 'no row may change'
        $After.History | Should -Be $Before.History -Because 'supabase_migrations.crmops_migration_history must not change'
        $After.Ledger | Should -Be $Before.Ledger -Because 'supabase_migrations.schema_migrations must not change'
    }
    function Join-Entry([string] $Old, [string] $New, [string] $Separator) { if ($Old) { "$Old$Separator$New" } else { $New } }

    $script:validationIds = 'ParameterArgumentValidationError*', 'ParameterArgumentTransformationError*', 'CannotConvertArgumentNoMessage*',
        'ParameterBindingFailed*', 'CannotConvertArgument*', 'NamedParameterNotFound*'
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Bad input' -Tag Reliability, BadInput {
    It '<Name>: a typed error, and nothing changed' -TestCases $cases {
        $before = Get-TestDatabaseState $script:sb
        $text = $Script.Replace('{port}', "$($script:sb.Port)").Replace('Database=crm', "Database=$($script:sb.Database)").Replace('{dir}', $script:dir)
        $record = $null
        $ErrorActionPreference = 'Stop'
        try { $null = & ([scriptblock]::Create($text)) } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty -Because "'$text' must fail"
        $id = $record.FullyQualifiedErrorId
        $ok = $id -like 'CrmOps.*' -or @($script:validationIds | Where-Object { $id -like $_ }).Count -gt 0
        $ok | Should -BeTrue -Because "the error id '$id' must be stable ($($record.Exception.Message))"
        if ($id -like 'CrmOps.*') { $record.CategoryInfo.Category | Should -Not -Be 'NotSpecified' -Because $record.Exception.Message }
        "$record" | Should -Not -Match '\s+at [\w.]+\(|\.cs:line|Npgsql\.' -Because 'no stack trace or driver internals'
        if ($Match) { "$record" | Should -Match $Match }
        $after = Get-TestDatabaseState $script:sb
        $after.Schema | Should -Be $before.Schema
        $after.Counts | Should -Be $before.Counts
        $after.Data | Should -Be $before.Data
        Invoke-TestSql $script:sb 'select count(*) from public.orders_htx' | Should -Be 2178
    }
}

# Issue 12: the migration engine keeps its promises for every file a user may write. Each case (and a sibling
# spelling of it) runs against the full sandbox, and psql checks that schema, data, supabase_migrations.crmops_migration_history and
# supabase_migrations.schema_migrations are exactly what the message says. Every set of the suite is also rehearsed
# with Test-CrmMigration -RoundTrip, which must change nothing.
BeforeDiscovery {
    $script:next = 0
    # Gives a case its own versions ({v0}..{v9}, increasing with the case's place in the file, so that what one case
    # applies never makes a later case out of order) and fills them into its files, setup, script and pattern.
    function Use-Versions([hashtable] $Case) {
        $base = [long]20410101000000 + 100 * $script:next
        $script:next++
        $map = @{}
        foreach ($k in 0..9) { $map["{v$k}"] = [string]($base + $k) }
        $fill = { param([string] $t) foreach ($k in $map.Keys) { $t = $t.Replace($k, $map[$k]) }; $t }
        foreach ($key in 'Files', 'SetupFiles') {
            if (-not $Case[$key]) { continue }
            $filled = @{}
            foreach ($f in $Case[$key].Keys) { $filled[(& $fill $f)] = & $fill $Case[$key][$f] }
            $Case[$key] = $filled
        }
        foreach ($key in 'Setup', 'Script', 'Match') { if ($Case[$key]) { $Case[$key] = & $fill $Case[$key] } }
        $Case.V0 = $map['{v0}']; $Case.V1 = $map['{v1}']; $Case.Dir = 'set' + $map['{v0}']
        $Case
    }
    $yes = '-Confirm:$false'
    $notx = '-- crmops:no-transaction'

    # Refused before anything runs: an error with this id whose message matches, and nothing changed at all.
    $script:refused = @(
        # 2 and 3: transaction control in the middle, and its siblings
        @{ Name = 'COMMIT in the middle of a migration'; Files = @{ 'migrations/{v0}_c1.sql' = "create table public.p_c1a (id int);`ninsert into public.p_c1a values (1);`ncommit;`ncreate table public.p_c1b (id int);`ninsert into public.no_such_table values (1);" }; Id = 'MigrationTransactionControl'; Match = '_c1\.sql:3: .commit. is transaction control' }
        @{ Name = 'END in the middle of a migration'; Files = @{ 'migrations/{v0}_c2.sql' = "create table public.p_c2a (id int);`nEND;`ncreate table public.p_c2b (id int);" }; Id = 'MigrationTransactionControl'; Match = ':2: .END.' }
        @{ Name = 'COMMIT AND CHAIN inside a wrapper'; Files = @{ 'migrations/{v0}_c3.sql' = "begin;`ncreate table public.p_c3a (id int);`ncommit and chain;`ncreate table public.p_c3b (id int);`ncommit;" }; Id = 'MigrationTransactionControl'; Match = ':3: .commit and chain.' }
        @{ Name = 'ROLLBACK in the middle'; Files = @{ 'migrations/{v0}_c4.sql' = "create table public.p_c4a (id int);`nrollback;`ncreate table public.p_c4b (id int);" }; Id = 'MigrationTransactionControl'; Match = ':2: .rollback.' }
        @{ Name = 'ABORT in the middle'; Files = @{ 'migrations/{v0}_c5.sql' = "create table public.p_c5a (id int);`n  ABORT  ;`ncreate table public.p_c5b (id int);" }; Id = 'MigrationTransactionControl'; Match = ':2: ' }
        @{ Name = 'SAVEPOINT and ROLLBACK TO SAVEPOINT'; Files = @{ 'migrations/{v0}_c6.sql' = "savepoint s1;`ncreate table public.p_c6 (id int);`nrollback to savepoint s1;" }; Id = 'MigrationTransactionControl'; Match = ':1: .savepoint s1.' }
        @{ Name = 'RELEASE SAVEPOINT'; Files = @{ 'migrations/{v0}_c7.sql' = "create table public.p_c7 (id int);`nrelease savepoint s1;" }; Id = 'MigrationTransactionControl'; Match = ':2: ' }
        @{ Name = 'PREPARE TRANSACTION'; Files = @{ 'migrations/{v0}_c8.sql' = "create table public.p_c8 (id int);`nprepare transaction 'p_c8';" }; Id = 'MigrationTransactionControl'; Match = ':2: ' }
        @{ Name = 'SET TRANSACTION READ ONLY'; Files = @{ 'migrations/{v0}_c9.sql' = "set transaction read only;`ncreate table public.p_c9 (id int);" }; Id = 'MigrationTransactionControl'; Match = ':1: ' }
        @{ Name = 'BEGIN with an isolation level'; Files = @{ 'migrations/{v0}_c10.sql' = "begin isolation level serializable;`ncreate table public.p_c10 (id int);`ncommit;" }; Id = 'MigrationTransactionControl'; Match = ':1: .*transaction modes' }
        @{ Name = 'BEGIN never committed'; Files = @{ 'migrations/{v0}_c11.sql' = "begin;`ncreate table public.p_c11 (id int);" }; Id = 'MigrationTransactionControl'; Match = ':1: .*never commits' }
        @{ Name = 'COMMIT at the end without a BEGIN'; Files = @{ 'migrations/{v0}_c12.sql' = "create table public.p_c12 (id int);`ncommit;" }; Id = 'MigrationTransactionControl'; Match = ':2: .*never began' }
        @{ Name = 'COMMIT in the middle of a rollback'; SetupFiles = @{ 'migrations/{v0}_c13.sql' = 'create table public.p_rbc2 (id int);'; 'rollbacks/{v0}_c13.sql' = 'drop table public.p_rbc2;' }
           Files = @{ 'migrations/{v0}_c13.sql' = 'create table public.p_rbc2 (id int);'; 'rollbacks/{v0}_c13.sql' = "drop table public.p_rbc2;`ncommit;`ndrop table public.p_rbc_typo;" }
           Setup = "Invoke-CrmMigration -Path '{dir}.setup' $yes"; Script = "Undo-CrmMigration -Path '{dir}' $yes"; Id = 'MigrationTransactionControl'; Match = 'rollbacks.+_c13\.sql:2: ' }
        @{ Name = 'ROLLBACK in the middle of a rollback'; SetupFiles = @{ 'migrations/{v0}_c14.sql' = 'create table public.p_rbc3 (id int);'; 'rollbacks/{v0}_c14.sql' = 'drop table public.p_rbc3;' }
           Files = @{ 'migrations/{v0}_c14.sql' = 'create table public.p_rbc3 (id int);'; 'rollbacks/{v0}_c14.sql' = "drop table public.p_rbc3;`nrollback;" }
           Setup = "Invoke-CrmMigration -Path '{dir}.setup' $yes"; Script = "Undo-CrmMigration -Path '{dir}' $yes"; Id = 'MigrationTransactionControl'; Match = 'rollbacks.+_c14\.sql:2: ' }
        @{ Name = 'COMMIT in a verify script'; Files = @{ 'migrations/{v0}_c15.sql' = 'create table public.p_c15 (id int);'; 'verify/{v0}_c15.sql' = "select true;`ncommit;`nselect true;" }; Id = 'MigrationTransactionControl'; Match = 'verify.+:2: .*verify queries' }
        @{ Name = 'a BEGIN ... COMMIT wrapper around a no-transaction migration'; Files = @{ 'migrations/{v0}_c16.sql' = "$notx`nbegin;`ncreate index concurrently p_c16 on public.customers (email);`ncommit;" }; Id = 'MigrationTransactionControl'; Match = 'crmops:no-transaction says' }
        @{ Name = 'COMMIT in a no-transaction migration'; Files = @{ 'migrations/{v0}_c17.sql' = "$notx`ncreate index concurrently p_c17 on public.customers (email);`ncommit;`ncreate table public.p_c17 (id int);" }; Id = 'MigrationTransactionControl'; Match = ':3: .*without a transaction' }
        @{ Name = '-RoundTrip over a COMMIT in the middle refuses before rehearsing'; Files = @{ 'migrations/{v0}_c18.sql' = "create table public.p_rt3 (id int);`ncommit;`nupdate public.customers set full_name = upper(full_name);"; 'rollbacks/{v0}_c18.sql' = 'drop table public.p_rt3;' }
           Script = "Test-CrmMigration -Path '{dir}' -RoundTrip"; Id = 'MigrationTransactionControl'; Match = ':2: ' }
        # 5: directives that are not exactly directives, and guards in rollbacks
        @{ Name = 'a space after crmops:'; Files = @{ 'migrations/{v0}_d1.sql' = "-- crmops: require-rows public.customer_profiles >= 1000000`nalter table public.customer_profiles add column p_d1 int;" }; Id = 'MigrationDirectiveInvalid'; Match = '_d1\.sql:1: .*looks like a directive' }
        @{ Name = 'a space before the colon'; Files = @{ 'migrations/{v0}_d2.sql' = "-- crmops : no-transaction`ncreate index concurrently p_d2 on public.customers (email);" }; Id = 'MigrationDirectiveInvalid'; Match = ':1: .*looks like a directive' }
        @{ Name = 'a directive in a /* */ comment'; Files = @{ 'migrations/{v0}_d3.sql' = "/* crmops:require-rows public.customer_profiles >= 1000000 */`nalter table public.customer_profiles add column p_d3 int;" }; Id = 'MigrationDirectiveInvalid'; Match = ':1: .*line comments' }
        @{ Name = 'a directive without the crmops: prefix'; Files = @{ 'migrations/{v0}_d4.sql' = "-- require-rows public.customer_profiles >= 1000000`nalter table public.customer_profiles add column p_d4 int;" }; Id = 'MigrationDirectiveInvalid'; Match = ':1: ' }
        @{ Name = 'a directive with three dashes'; Files = @{ 'migrations/{v0}_d5.sql' = "---crmops:require-rows public.customer_profiles >= 1000000`nalter table public.customer_profiles add column p_d5 int;" }; Id = 'MigrationDirectiveInvalid'; Match = ':1: ' }
        @{ Name = 'require-rows >= 99999999999999999999'; Files = @{ 'migrations/{v0}_d6.sql' = "-- crmops:require-rows public.customer_profiles >= 99999999999999999999`nalter table public.customer_profiles add column p_d6 int;" }; Id = 'MigrationDirectiveInvalid'; Match = ':1: .*too large' }
        @{ Name = 'require-rows one past the largest bigint'; Files = @{ 'migrations/{v0}_d7.sql' = "-- crmops:require-rows public.customer_profiles <= 9223372036854775808`nalter table public.customer_profiles add column p_d7 int;" }; Id = 'MigrationDirectiveInvalid'; Match = ':1: .*too large' }
        @{ Name = 'require-rows in a rollback guards the rollback'; Files = @{ 'migrations/{v0}_d8.sql' = "create table public.p_rbg (id int);`ninsert into public.p_rbg select generate_series(1, 5);"; 'rollbacks/{v0}_d8.sql' = "-- crmops:require-rows public.p_rbg = 0`ndrop table public.p_rbg;" }
           Setup = "Invoke-CrmMigration -Path '{dir}' $yes"; Script = "Undo-CrmMigration -Path '{dir}' $yes"; Id = 'MigrationRequirementFailed'; Match = 'its rollback\) requires public.p_rbg = 0 \(line 1\), but public.p_rbg has 5 row' }
        @{ Name = 'require-rows in a rollback on the wrong table'; Files = @{ 'migrations/{v0}_d9.sql' = 'alter table public.customers add column p_d9 int;'; 'rollbacks/{v0}_d9.sql' = "-- crmops:require-rows public.customers >= 1000`nalter table public.customers drop column p_d9;" }
           Setup = "Invoke-CrmMigration -Path '{dir}' $yes"; Script = "Undo-CrmMigration -Path '{dir}' $yes"; Id = 'MigrationRequirementFailed'; Match = 'has 3 row' }
        @{ Name = 'a no-transaction guard on a table that never exists'; Files = @{ 'migrations/{v0}_d10.sql' = "$notx`n-- crmops:require-rows public.p_never >= 1`ncreate index concurrently p_d10 on public.customers (email);" }; Script = "Invoke-CrmMigration -Path '{dir}' -Connection '{cs}' $yes"; Id = 'MigrationRequirementFailed'; Match = 'p_never does not exist' }
        # 6: templates and scripts with nothing to run
        @{ Name = 'an untouched New-CrmMigration template'; Template = @{ Name = 'untouched' }; Files = @{}; Id = 'MigrationFileEmpty'; Match = 'untouched\.sql. has no statement to run: it is New-CrmMigration.s template, untouched' }
        @{ Name = 'an up script of comments only'; Files = @{ 'migrations/{v0}_e2.sql' = "/* to do */`n-- alter table public.customers add column x int;`n" }; Id = 'MigrationFileEmpty'; Match = 'only comments' }
        @{ Name = 'an up script of BEGIN and COMMIT only'; Files = @{ 'migrations/{v0}_e3.sql' = "begin;`ncommit;" }; Id = 'MigrationFileEmpty'; Match = 'only BEGIN and COMMIT' }
        @{ Name = 'an untouched rollback template'; Template = @{ Name = 'half_written'; Up = 'alter table public.customers add column p_e4 int;' }; Files = @{}
           Setup = "Invoke-CrmMigration -Path '{dir}' $yes"; Script = "Undo-CrmMigration -Path '{dir}' $yes"; Id = 'MigrationRollbackEmpty'; Match = 'no statement to run: it is New-CrmMigration.s template, untouched' }
        @{ Name = 'a rollback of comments only'; Files = @{ 'migrations/{v0}_e5.sql' = 'alter table public.customers add column p_e5 int;'; 'rollbacks/{v0}_e5.sql' = "-- nothing to undo`n" }
           Setup = "Invoke-CrmMigration -Path '{dir}' $yes"; Script = "Undo-CrmMigration -Path '{dir}' $yes"; Id = 'MigrationRollbackEmpty'; Match = 'only comments' }
        # 9: versions are ASCII digits
        @{ Name = 'Arabic-Indic digits as a version'; Files = @{ 'migrations/٢١٠٠٠١٠١٠٠٠٠٠٨_arabic.sql' = 'create table public.p_arabic (id int);' }; Id = 'MigrationFileInvalid'; Match = 'not named <version digits>_<name>.sql' }
        @{ Name = 'full-width digits as a version'; Files = @{ 'migrations/２１０００１０１０００００９_wide.sql' = 'create table public.p_wide (id int);' }; Id = 'MigrationFileInvalid'; Match = 'not named <version digits>_<name>.sql' }
        # messages: COPY ... FROM STDIN, verify scripts, SET ROLE without rights, no transaction through a pooler
        @{ Name = 'COPY ... FROM stdin with inline data'; Files = @{ 'migrations/{v0}_f1.sql' = "create table public.p_copy (a int, b text);`ncopy public.p_copy (a, b) from stdin;`n1`tone`n2`ttwo`n\.`n" }; Id = 'SplitterCopyStdin'; Match = ':? ?line 2: COPY ... FROM STDIN .*INSERT ... VALUES' }
        @{ Name = 'COPY ... FROM STDIN as CSV'; Files = @{ 'migrations/{v0}_f2.sql' = "create table public.p_copy2 (a int, b text);`nCOPY public.p_copy2 FROM STDIN WITH (FORMAT csv, HEADER);`na,b`n1,one`n\.`n" }; Id = 'SplitterCopyStdin'; Match = 'line 2: COPY' }
        @{ Name = 'COPY ... TO STDOUT'; Files = @{ 'migrations/{v0}_f3.sql' = "copy (select 1) to stdout;`ncreate table public.p_copy3 (id int);" }; Id = 'SplitterCopyStdin'; Match = 'TO STDOUT' }
        @{ Name = "a verify query returning the text 'true'"; Files = @{ 'migrations/{v0}_g1.sql' = 'create table public.p_g1 (id int);'; 'verify/{v0}_g1.sql' = "select 'true';" }; Id = 'MigrationVerifyFailed'; Match = "text value 'true', not a boolean.*Rolled back: no schema change" }
        @{ Name = 'a verify query returning several rows, one false'; Files = @{ 'migrations/{v0}_g2.sql' = 'create table public.p_g2 (id int);'; 'verify/{v0}_g2.sql' = 'select x from (values (true), (false), (true)) v(x);' }; Id = 'MigrationVerifyFailed'; Match = 'more than one row.*bool_and' }
        @{ Name = 'a verify query returning a number'; Files = @{ 'migrations/{v0}_g3.sql' = 'create table public.p_g3 (id int);'; 'verify/{v0}_g3.sql' = 'select 1;' }; Id = 'MigrationVerifyFailed'; Match = 'not a boolean' }
        @{ Name = 'a verify query returning NULL'; Files = @{ 'migrations/{v0}_g4.sql' = 'create table public.p_g4 (id int);'; 'verify/{v0}_g4.sql' = 'select null::boolean;' }; Id = 'MigrationVerifyFailed'; Match = 'NULL' }
        @{ Name = 'a verify query returning no row'; Files = @{ 'migrations/{v0}_g5.sql' = 'create table public.p_g5 (id int);'; 'verify/{v0}_g5.sql' = 'select true where false;' }; Id = 'MigrationVerifyFailed'; Match = 'no row' }
        @{ Name = 'SET ROLE to a role without rights, then a statement it may not run'; Files = @{ 'migrations/{v0}_h1.sql' = "set role rel_weak;`ncreate table public.p_h1 (id int);" }; Id = 'MigrationPermissionDenied'; Match = '_h1\.sql line 2 failed: permission denied for schema public' }
        @{ Name = 'a no-transaction migration through a transaction-mode pooler'; Files = @{ 'migrations/{v0}_i1.sql' = "$notx`ncreate index concurrently p_i1 on public.customers (email);" }
           Script = "Invoke-CrmMigration -Path '{dir}' -Connection 'Host=127.0.0.1;Port={port};Username=postgres;Database=crm;Pooler=transaction' $yes"; Id = 'MigrationNoTransactionPooled'; Match = 'session pooler on port 5432' }
        @{ Name = 'a no-transaction rollback through a transaction-mode pooler'; Files = @{ 'migrations/{v0}_i2.sql' = 'create table public.p_i2 (id int);'; 'rollbacks/{v0}_i2.sql' = "$notx`ndrop table public.p_i2;" }
           Setup = "Invoke-CrmMigration -Path '{dir}' $yes"; Script = "Undo-CrmMigration -Path '{dir}' -Connection 'Host=127.0.0.1;Port={port};Username=postgres;Database=crm;Pooler=transaction' $yes"; Id = 'MigrationNoTransactionPooled'; Match = 'rolls back without a transaction' }
    ) | ForEach-Object { Use-Versions $_ }

    # Sets of the cases with their own assertions below, in the order they run.
    $script:custom = [ordered]@{}
    foreach ($c in @(
            @{ Name = 'wrap1'; Files = @{ 'migrations/{v0}_wrap1.sql' = "begin;`ncreate table public.p_w1 (id int);`ninsert into public.p_w1 values (1);`ncommit;`n"; 'rollbacks/{v0}_wrap1.sql' = "begin;`ndrop table public.p_w1;`ncommit;" } }
            @{ Name = 'wrap2'; Files = @{ 'migrations/{v0}_wrap2.sql' = "-- the hand-written Supabase style`nSTART TRANSACTION;`ncreate table public.p_w2 (id int);`nEND;`n-- done`n"; 'rollbacks/{v0}_wrap2.sql' = "BEGIN TRANSACTION;`ndrop table public.p_w2;`nCOMMIT WORK;" } }
            @{ Name = 'rt1'; Files = @{ 'migrations/{v0}_rt1.sql' = "begin;`ncreate table public.p_rt (id int);`nupdate public.customers set full_name = upper(full_name);`ncommit;"; 'rollbacks/{v0}_rt1.sql' = 'drop table public.p_rt;' } }
            @{ Name = 'rt2'; Files = @{ 'migrations/{v0}_rt2.sql' = "start transaction;`nalter table public.customer_profiles add column p_rt2 int;`nupdate public.customer_profiles set canonical_full_name = upper(canonical_full_name), p_rt2 = 1;`nset role rel_weak;`nreset all;`nend;"; 'rollbacks/{v0}_rt2.sql' = "set session authorization rel_weak;`nreset session authorization;`nalter table public.customer_profiles drop column p_rt2;" } }
            @{ Name = 'lt1'; Files = @{ 'migrations/{v0}_lt1.sql' = "reset all;`nalter table public.customers add column p_lt1 int;" } }
            @{ Name = 'lt2'; Files = @{ 'migrations/{v0}_lt2.sql' = "SET lock_timeout = 0;`nalter table public.customers add column p_lt2 int;" } }
            @{ Name = 'lt3'; Files = @{ 'migrations/{v0}_lt3.sql' = "--`n-- PostgreSQL database dump`n--`nSET statement_timeout = 0;`nSET lock_timeout = 0;`nSET idle_in_transaction_session_timeout = 0;`nSET client_encoding = 'UTF8';`nSET standard_conforming_strings = on;`nSELECT pg_catalog.set_config('search_path', '', false);`nSET check_function_bodies = false;`nSET xmloption = content;`nSET client_min_messages = warning;`nSET row_security = off;`nALTER TABLE public.customers ADD COLUMN p_lt3 integer;" } }
            @{ Name = 'lt4'; Files = @{ 'migrations/{v0}_lt4.sql' = "set local lock_timeout to default;`nselect set_config('lock_timeout', '0', true);`nalter table public.customers add column p_lt4 int;" } }
            @{ Name = 'ntf1'; Files = @{ 'migrations/{v0}_ntf1.sql' = "$notx`ncreate table public.p_ntf (id int);`ninsert into public.no_such_table values (1);`ncreate table public.p_ntf2 (id int);" } }
            @{ Name = 'ntf2'; Files = @{ 'migrations/{v0}_ntf2.sql' = "$notx`nset lock_timeout = 0;`ncreate table public.p_ntv (id int);`n"; 'verify/{v0}_ntf2.sql' = 'select false;' } }
            @{ Name = 'ng1'; Files = @{ 'migrations/{v0}_ng1a.sql' = 'create table public.p_ng (id int);'; 'migrations/{v1}_ng1b.sql' = "$notx`n-- crmops:require-rows public.p_ng >= 1000`ncreate index concurrently p_ng_id on public.p_ng (id);" } }
            @{ Name = 'tpl2'; Files = @{ 'migrations/{v0}_tpl2.sql' = 'alter table public.customers add column p_tpl2 int;'; 'rollbacks/{v0}_tpl2.sql' = "-- irreversible`n" } }
            @{ Name = 'sr1'; Files = @{ 'migrations/{v0}_sr1.sql' = "set role rel_weak;`nselect 1;" } }
            @{ Name = 'sr2'; Files = @{ 'migrations/{v0}_sr2.sql' = "set session authorization rel_weak;`nset search_path = pg_catalog;`nselect 1;" } }
            @{ Name = 'cr1'; Files = @{ 'migrations/{v0}_cr1.sql' = "create table public.p_rule_a (id int);`ncreate table public.p_rule_b (id int);`ncreate view public.p_rule_v as select 1 as id;`ncreate rule p_rule_r as on insert to public.p_rule_v do instead (insert into public.p_rule_a values (new.id); insert into public.p_rule_b values (new.id));" } }
            @{ Name = 'cr2'; Files = @{ 'migrations/{v0}_cr2.sql' = "create table public.p_rule_c (id int);`ncreate table public.p_rule_log (id int, what text);`ncreate rule p_rule_also as on delete to public.p_rule_c do also (insert into public.p_rule_log values (old.id, 'gone'); update public.p_rule_log set what = what || '!' where id = old.id);" } }
            @{ Name = 'ss1'; Files = @{ 'migrations/{v0}_ss1.sql' = 'create table public.p_ss1 (id int);'; 'rollbacks/{v0}_ss1.sql' = 'drop table public.p_ss1;' } }
            @{ Name = 'conc1'; Files = @{ 'migrations/{v0}_conc1.sql' = "$notx`ninsert into public.rel_nt_applied values ('conc1');`nselect pg_sleep(3);`ncreate index concurrently p_conc1 on public.customers (email);" } }
            @{ Name = 'conc2'; Files = @{ 'migrations/{v0}_conc2a.sql' = "$notx`ninsert into public.rel_nt_applied values ('conc2a');`nselect pg_sleep(2);`ncreate index concurrently p_conc2 on public.customers (full_name);"; 'migrations/{v1}_conc2b.sql' = "insert into public.rel_nt_applied values ('conc2b');`ncreate table public.p_conc2b (id int);" } }
            @{ Name = 'kill1'; Files = @{ 'migrations/{v0}_kill1.sql' = "$notx`ncreate table public.p_kill1 (id int);`nselect pg_sleep(8);`ncreate table public.p_kill2 (id int);" } }
            @{ Name = 'kill2'; Files = @{ 'migrations/{v0}_kill2.sql' = "$notx`ncreate table public.p_kill3 (id int);`nselect pg_sleep(30);`ncreate table public.p_kill4 (id int);" } }
        )) { $script:custom[$c.Name] = Use-Versions $c }

    # Every set of the suite, for the round-trip sweep (the legacy sets of the cases above are in $dir).
    $script:sweep = @('good', 'dollar', 'duplicate', 'empty', 'binary', 'badverify', 'halfway', 'norollback') | ForEach-Object { @{ Set = $_; Legacy = $true; What = "the legacy set '$_'" } }
    $script:sweep += $script:refused | ForEach-Object { @{ Set = $_.Dir; Legacy = $false; What = $_.Name } }
    $script:sweep += $script:refused | Where-Object SetupFiles | ForEach-Object { @{ Set = "$($_.Dir).setup"; Legacy = $false; What = "$($_.Name) (setup)" } }
    $script:sweep += $script:custom.Values | ForEach-Object { @{ Set = $_.Dir; Legacy = $false; What = $_.Name } }
    $script:allSets = @($script:refused) + @($script:custom.Values)
}

Describe 'Test-CrmMigration -RoundTrip over every set of the suite' -Tag Reliability, BadInput -ForEach @(@{ AllSets = $script:allSets }) {
    BeforeAll {
        Initialize-CaseSets $AllSets
        $script:sweepBefore = Get-TestDatabaseState $script:sb
    }

    It 'rehearsing <What> changes nothing' -ForEach $script:sweep {
        $root = if ($Legacy) { Join-Path $script:dir $Set } else { Join-Path $script:cases $Set }
        try { $null = Test-CrmMigration -Path $root -RoundTrip -ErrorAction SilentlyContinue } catch { $null = $_ } # whatever it reports
        Assert-Same $script:sweepBefore (Get-TestDatabaseState $script:sb)
    }
}

Describe 'Migration files that are refused before anything runs' -Tag Reliability, BadInput -ForEach @(@{ AllSets = $script:allSets }) {
    BeforeAll { Initialize-CaseSets $AllSets }

    It '<Name>: refused with the line, nothing changed' -ForEach $script:refused {
        $root = Join-Path $script:cases $Dir
        if ($Setup) { Invoke-CaseScript $Setup $root | Out-Null }
        $before = Get-TestDatabaseState $script:sb
        $command = if ($Script) { $Script } else { "Invoke-CrmMigration -Path '{dir}' -Confirm:`$false" }
        $record = Invoke-CaseScript $command $root -MustFail
        $record.FullyQualifiedErrorId | Should -BeLike "CrmOps.$Id,*" -Because "$record"
        $record.CategoryInfo.Category | Should -Not -Be 'NotSpecified'
        "$record" | Should -Match $Match
        "$record" | Should -Not -Match '\s+at [\w.]+\(|\.cs:line|Npgsql\.' -Because 'no stack trace or driver internals'
        Assert-Same $before (Get-TestDatabaseState $script:sb)
    }
}

Describe 'Migration files with an outcome of their own' -Tag Reliability, BadInput -ForEach @(@{ AllSets = $script:allSets; Sets = $script:custom }) {
    BeforeAll {
        Initialize-CaseSets $AllSets
        function Get-Root([string] $Key) { Join-Path $script:cases $Sets[$Key].Dir }
        function Get-State { Get-TestDatabaseState $script:sb }
        function Get-Failure([scriptblock] $Command) {
            try { & $Command; throw 'the command must fail' } catch { $_ }
        }
    }

    It 'a BEGIN ... COMMIT wrapper (<K>) is absorbed: applied in CrmOps'' transaction with its history and ledger rows, and undone the same way' -ForEach @(
        @{ K = 'wrap1'; Table = 'p_w1'; Statements = 2; Written = 4 }
        @{ K = 'wrap2'; Table = 'p_w2'; Statements = 1; Written = 4 }   # the CLI's splitter keeps the trailing '-- done' as a statement of its own
    ) {
        $c = $Sets[$K]; $root = Get-Root $K
        $before = Get-State
        $r = Invoke-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop
        $r.Status | Should -Be 'Applied'
        $r.Statements | Should -Be $Statements
        $after = Get-State
        $after.History | Should -Be (Join-Entry $before.History "$($c.V0) up ok run tx" ' | ')
        $after.Ledger | Should -Be (Join-Entry $before.Ledger $c.V0 ',')
        Invoke-TestSql $script:sb "select to_regclass('public.$Table') is not null" | Should -Be 't'
        # Supabase's ledger keeps the file's statements as written, the wrapper included (as its CLI records them).
        Invoke-TestSql $script:sb "select array_length(statements, 1) from supabase_migrations.schema_migrations where version = '$($c.V0)'" | Should -Be $Written
        (Undo-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop).Status | Should -Be 'RolledBack'
        $undone = Get-State
        $undone.Schema | Should -Be $before.Schema
        $undone.History | Should -Be (Join-Entry $after.History "$($c.V0) down ok run tx" ' | ')
        $undone.Ledger | Should -Be $before.Ledger
    }

    It 'Test-CrmMigration -RoundTrip of a wrapped file that rewrites real data, sets a role and resets settings (<K>) changes nothing' -ForEach @(@{ K = 'rt1' }, @{ K = 'rt2' }) {
        $before = Get-State
        $r = @(Test-CrmMigration -Path (Get-Root $K) -RoundTrip -ErrorAction Stop)
        $r.Count | Should -Be 1
        $r[0].Passed | Should -BeTrue -Because $r[0].Message
        Assert-Same $before (Get-State)
    }

    Context 'lock_timeout while a reader holds customers' {
        BeforeAll {
            $script:holder = Start-TestSql $script:sb 'begin; lock table public.customers in access share mode; select pg_sleep(120); commit;'
            Wait-Until -What 'the reader''s lock' { [int](Invoke-TestSql $script:sb "select count(*) from pg_locks where relation = 'public.customers'::regclass and mode = 'AccessShareLock' and granted and pid <> pg_backend_pid()") -gt 0 }
        }
        AfterAll {
            Invoke-TestSql $script:sb "select pg_terminate_backend(pid) from pg_stat_activity where query like 'begin; lock table public.customers%' and pid <> pg_backend_pid()" | Out-Null
            $script:holder.WaitForExit(10000) | Out-Null
        }

        It 'holds for the whole migration whatever the file sets (<What>)' -ForEach @(
            @{ K = 'lt1'; What = 'reset all' }
            @{ K = 'lt2'; What = 'SET lock_timeout = 0' }
            @{ K = 'lt3'; What = 'pg_dump''s header' }
            @{ K = 'lt4'; What = 'SET LOCAL ... TO DEFAULT and set_config(''lock_timeout'', ''0'', true)' }
        ) {
            $before = Get-State
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $record = Get-Failure { Invoke-CrmMigration -Path (Get-Root $K) -LockTimeout 1 -Confirm:$false -ErrorAction Stop }
            $sw.Stop()
            $record.FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationLockTimeout,*' -Because "$record"
            "$record" | Should -Match 'lock_timeout of 1 s .*on customers.*AccessShareLock.*Rolled back: no schema change and no history row'
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 5 -Because 'the engine''s 1 s lock_timeout holds (the reader keeps its lock for 120 s)'
            Assert-Same $before (Get-State)
        }
    }

    It 'a failing no-transaction migration says first what stays applied, is Incomplete, and is refused until it is settled' {
        $c = $Sets['ntf1']; $root = Get-Root 'ntf1'
        $before = Get-State
        $record = Get-Failure { Invoke-CrmMigration -Path $root -Connection $script:sb.ConnectionString -Confirm:$false -ErrorAction Stop }
        $record.FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationFailed,*'
        "$record" | Should -Match ("^Applying $($c.V0)_ntf1\.sql \(no transaction\): $($c.V0)_ntf1\.sql line 3 failed: relation .public\.no_such_table. does not exist .*" +
            'This up script runs without a transaction \(crmops:no-transaction\): the statement at line 2 ran and stays applied, line 3 did not\. Its state is now Incomplete')
        "$record" | Should -Not -Match 'Rolled back|no schema change'
        $after = Get-State
        $after.History | Should -Be (Join-Entry $before.History "$($c.V0) up failed run no-tx" ' | ') -Because 'one row per run: the start row, finished as failed'
        $after.Ledger | Should -Be $before.Ledger
        Invoke-TestSql $script:sb "select to_regclass('public.p_ntf') is not null, to_regclass('public.p_ntf2') is not null" | Should -Be "t`tf"
        $m = Get-CrmMigration -Path $root -WarningVariable warned 3>$null | Where-Object Version -eq $c.V0
        $m.State | Should -Be 'Incomplete'
        $m.Message | Should -Match 'did not finish .*line 3 failed.*Set-CrmMigrationState -Version'
        "$warned" | Should -Match 'Incomplete'
        # Never run again blindly, in any direction, nor rehearsed.
        foreach ($command in { Invoke-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop }, { Undo-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop },
            { Test-CrmMigration -Path $root -RoundTrip -ErrorAction Stop }, { Invoke-CrmMigration -Path $root -WhatIf -ErrorAction Stop }) {
            $refused = Get-Failure $command
            $refused.FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationIncomplete,*' -Because "$command"
            "$refused" | Should -Match 'Refused: .*Incomplete.*Nothing was changed'
            Assert-Same $after (Get-State)
        }
        (Test-CrmMigration -Path $root | Where-Object Check -eq 'MigrationIncomplete').Passed | Should -BeFalse
        # Settled: the DBA finished it by hand and records it.
        Invoke-TestSql $script:sb 'create table public.p_ntf2 (id int)' | Out-Null
        (Set-CrmMigrationState -Path $root -Version $c.V0 -State Applied -Confirm:$false -ErrorAction Stop).State | Should -Be 'Applied'
        $settled = Get-State
        $settled.History | Should -Be (Join-Entry $after.History "$($c.V0) up ok marked no-tx" ' | ')
        $settled.Ledger | Should -Be (Join-Entry $before.Ledger $c.V0 ',')
        (Get-CrmMigration -Path $root | Where-Object Version -eq $c.V0).State | Should -Be 'Applied'
    }

    It 'a no-transaction migration whose verify query fails says every statement stays applied, and RolledBack settles it' {
        $c = $Sets['ntf2']; $root = Get-Root 'ntf2'
        $before = Get-State
        $record = Get-Failure { Invoke-CrmMigration -Path $root -Connection $script:sb.ConnectionString -Confirm:$false -ErrorAction Stop }
        $record.FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationVerifyFailed,*'
        "$record" | Should -Match "verify query at .+:1 \('select false'\) returned false\. This up script runs without a transaction \(crmops:no-transaction\): all 2 of its statements ran and stay applied\."
        "$record" | Should -Not -Match 'Rolled back|nothing was changed'
        $after = Get-State
        $after.History | Should -Be (Join-Entry $before.History "$($c.V0) up failed run no-tx" ' | ')
        (Get-CrmMigration -Path $root 3>$null | Where-Object Version -eq $c.V0).State | Should -Be 'Incomplete'
        # Settled the other way: undone by hand, recorded as rolled back (pending again).
        Invoke-TestSql $script:sb 'drop table public.p_ntv' | Out-Null
        (Set-CrmMigrationState -Path $root -Version $c.V0 -State RolledBack -Confirm:$false -ErrorAction Stop).State | Should -Be 'RolledBack'
        $settled = Get-State
        $settled.Schema | Should -Be $before.Schema
        $settled.History | Should -Be (Join-Entry $after.History "$($c.V0) down ok marked no-tx" ' | ')
        $settled.Ledger | Should -Be $before.Ledger
    }

    It 'a no-transaction guard on a table an earlier migration of the run creates is checked before it starts' {
        $c = $Sets['ng1']; $root = Get-Root 'ng1'
        $before = Get-State
        $plan = Invoke-CrmMigration -Path $root -Connection $script:sb.ConnectionString -WhatIf -WarningVariable warned 3>$null
        $plan.Status | Should -Be @('Planned', 'Planned')
        "$warned" | Should -Match 'p_ng does not exist yet: the guard is checked again just before it runs'
        Assert-Same $before (Get-State)
        $record = Get-Failure { Invoke-CrmMigration -Path $root -Connection $script:sb.ConnectionString -Confirm:$false -ErrorAction Stop }
        $record.FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationRequirementFailed,*'
        "$record" | Should -Match "$($c.V1)_ng1b\.sql requires public\.p_ng >= 1000 \(line 2\), but public\.p_ng has 0 row\(s\): refused, nothing of it was run\..* Earlier in this run, $($c.V0)_ng1a\.sql was applied and stays so\."
        $after = Get-State
        $after.History | Should -Be (Join-Entry $before.History "$($c.V0) up ok run tx" ' | ') -Because 'the refused one has no start row'
        $after.Ledger | Should -Be (Join-Entry $before.Ledger $c.V0 ',')
        Invoke-TestSql $script:sb "select to_regclass('public.p_ng') is not null, to_regclass('public.p_ng_id') is not null" | Should -Be "t`tf"
        (Get-CrmMigration -Path $root | Where-Object Version -in $c.V0, $c.V1).State | Should -Be @('Applied', 'Pending')
    }

    It 'a rollback with nothing to run is reported by Test-CrmMigration and refused by -RoundTrip and Undo' {
        $c = $Sets['tpl2']; $root = Get-Root 'tpl2'
        $before = Get-State
        $checks = Test-CrmMigration -Path $root
        ($checks | Where-Object Check -eq 'MigrationRollbackEmpty').Message | Should -Match 'no statement to run, only comments'
        $checks.Check | Should -Not -Contain 'MigrationRollbacks'
        (Get-CrmMigration -Path $root | Where-Object Version -eq $c.V0).HasRollback | Should -BeFalse
        $r = Test-CrmMigration -Path $root -RoundTrip
        $r.Passed | Should -BeFalse
        $r.Message | Should -Match 'rollback script has no statement to run'
        Assert-Same $before (Get-State)
    }

    It 'SET ROLE or SET SESSION AUTHORIZATION in a migration (<K>): the history is still written, as the connecting role' -ForEach @(@{ K = 'sr1' }, @{ K = 'sr2' }) {
        $c = $Sets[$K]
        $before = Get-State
        (Invoke-CrmMigration -Path (Get-Root $K) -Confirm:$false -ErrorAction Stop).Status | Should -Be 'Applied'
        (Get-State).History | Should -Be (Join-Entry $before.History "$($c.V0) up ok run tx" ' | ')
        Invoke-TestSql $script:sb "select applied_by from supabase_migrations.crmops_migration_history where version = '$($c.V0)'" | Should -Be 'postgres'
    }

    It 'a semicolon inside parentheses does not end a statement (<K>), as in psql' -ForEach @(
        @{ K = 'cr1'; Statements = 4; Check = 'insert into public.p_rule_v values (7); select (select count(*) from public.p_rule_a) || '','' || (select count(*) from public.p_rule_b);'; Expected = '1,1' }
        @{ K = 'cr2'; Statements = 3; Check = 'insert into public.p_rule_c values (5); delete from public.p_rule_c; select id || '' '' || what from public.p_rule_log;'; Expected = '5 gone!' }
    ) {
        $r = Invoke-CrmMigration -Path (Get-Root $K) -Confirm:$false -ErrorAction Stop
        $r.Status | Should -Be 'Applied'
        $r.Statements | Should -Be $Statements
        Invoke-TestSql $script:sb $Check | Should -Be $Expected
    }

    It 'Set-CrmMigrationState -State RolledBack on a migration that is not applied records nothing' {
        $c = $Sets['ss1']; $root = Get-Root 'ss1'
        $before = Get-State
        $m = Set-CrmMigrationState -Path $root -Version $c.V0 -State RolledBack -Confirm:$false -ErrorAction Stop -WarningVariable warned 3>$null
        $m.State | Should -Be 'Pending'
        "$warned" | Should -Match 'never applied.*the history was not changed'
        Assert-Same $before (Get-State)
        # Sibling: applied, then rolled back: marking it rolled back again records nothing either.
        Invoke-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop | Out-Null
        Undo-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop | Out-Null
        $undone = Get-State
        (Set-CrmMigrationState -Path $root -Version $c.V0 -State RolledBack -Confirm:$false -ErrorAction Stop -WarningVariable warned 3>$null).State | Should -Be 'RolledBack'
        "$warned" | Should -Match 'since its last rollback'
        Assert-Same $undone (Get-State)
    }
}

Describe 'No-transaction migrations under concurrency and kill -9' -Tag Slow, Reliability, BadInput -ForEach @(@{ AllSets = $script:allSets; Sets = $script:custom }) {
    BeforeAll {
        Initialize-CaseSets $AllSets
        function Get-Root([string] $Key) { Join-Path $script:cases $Sets[$Key].Dir }
        $script:cs = $script:sb.ConnectionString
        function Start-Run([string] $Key) {
            Start-CrmChild "`$r = @(Invoke-CrmMigration -Path '$(Get-Root $Key)' -Connection '$($script:cs)' -LockWait 60 -Confirm:`$false | Where-Object Status -eq 'Applied'); 'applied ' + `$r.Count"
        }
        function Get-Applied($Results) { ($Results.Output | ForEach-Object { if ($_ -match 'applied (\d+)') { [int]$Matches[1] } } | Measure-Object -Sum).Sum }
    }

    It 'two runs of one no-transaction migration, the second starting while the first runs, apply it once (<K>)' -ForEach @(
        @{ K = 'conc1'; Markers = 'conc1'; Applied = 1 }
        @{ K = 'conc2'; Markers = 'conc2a,conc2b'; Applied = 2 }
    ) {
        $c = $Sets[$K]
        $first = Start-Run $K
        Wait-Until -What 'the first run''s statements' -TimeoutSeconds 60 { [int](Invoke-TestSql $script:sb "select count(*) from public.rel_nt_applied where migration like '$K%'") -gt 0 }
        Start-Sleep -Milliseconds 700
        $second = Start-Run $K
        $results = @($first, $second) | ForEach-Object { Wait-CrmChild $_ -TimeoutSeconds 120 }
        $results.ExitCode | Should -Be @(0, 0) -Because ($results.Output -join ' | ')
        Get-Applied $results | Should -Be $Applied
        Invoke-TestSql $script:sb "select string_agg(migration, ',' order by migration) from public.rel_nt_applied where migration like '$K%'" | Should -Be $Markers
        Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_migration_history where version in ('$($c.V0)', '$($c.V1)')" | Should -Be $Applied
        Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_migration_history where version in ('$($c.V0)', '$($c.V1)') and not success" | Should -Be 0
        Invoke-TestSql $script:sb "select count(*) from pg_locks where locktype = 'advisory'" | Should -Be 0 -Because 'the session lock is released'
    }

    It 'a pwsh killed during a no-transaction migration leaves it Incomplete; it is refused until settled, then applies' {
        $c = $Sets['kill1']; $root = Get-Root 'kill1'
        $child = Start-Run 'kill1'
        Wait-Until -What 'the first statement' -TimeoutSeconds 60 { (Invoke-TestSql $script:sb "select to_regclass('public.p_kill1') is not null") -eq 't' }
        $child.Kill($true)
        $child.WaitForExit(10000) | Should -BeTrue
        Wait-Until -What 'the dead run''s lock to go' { [int](Invoke-TestSql $script:sb "select count(*) from pg_locks where locktype = 'advisory'") -eq 0 }
        $m = Get-CrmMigration -Path $root 3>$null | Where-Object Version -eq $c.V0
        $m.State | Should -Be 'Incomplete'
        $m.Message | Should -Match 'never recorded its end: the process was killed or lost its connection'
        $before = Get-TestDatabaseState $script:sb
        $before.History | Should -BeLike "*$($c.V0) up failed run no-tx"
        foreach ($command in { Invoke-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop }, { Undo-CrmMigration -Path $root -Confirm:$false -ErrorAction Stop }) {
            $refused = try { & $command; $null } catch { $_ }
            $refused.FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationIncomplete,*'
            Assert-Same $before (Get-TestDatabaseState $script:sb)
        }
        # Settled: undone by hand, recorded as rolled back; the next run applies it from the start.
        Wait-Until -What 'the orphaned pg_sleep' -TimeoutSeconds 30 { [int](Invoke-TestSql $script:sb "select count(*) from pg_stat_activity where query like 'select pg_sleep(8)%'") -eq 0 }
        Invoke-TestSql $script:sb 'drop table public.p_kill1' | Out-Null
        (Set-CrmMigrationState -Path $root -Version $c.V0 -State RolledBack -Confirm:$false -ErrorAction Stop).State | Should -Be 'RolledBack'
        (Invoke-CrmMigration -Path $root -Connection $script:cs -Confirm:$false -ErrorAction Stop).Status | Should -Be 'Applied'
        Invoke-TestSql $script:sb "select to_regclass('public.p_kill1') is not null and to_regclass('public.p_kill2') is not null" | Should -Be 't'
        (Get-TestDatabaseState $script:sb).History | Should -BeLike "*$($c.V0) up failed run no-tx | $($c.V0) down ok marked no-tx | $($c.V0) up ok run no-tx"
    }

    It 'a no-transaction migration whose connection is terminated records how it ended and is Incomplete' {
        $c = $Sets['kill2']; $root = Get-Root 'kill2'
        $child = Start-Run 'kill2'
        Wait-Until -What 'the sleeping statement' -TimeoutSeconds 60 { [int](Invoke-TestSql $script:sb "select count(*) from pg_stat_activity where query like 'select pg_sleep(30)%'") -gt 0 }
        Invoke-TestSql $script:sb "select pg_terminate_backend(pid) from pg_stat_activity where query like 'select pg_sleep(30)%'" | Out-Null
        $result = Wait-CrmChild $child -TimeoutSeconds 60
        $result.ExitCode | Should -Be 1
        $result.Output | Should -Match 'CrmOps\.MigrationConnectionLost.*line 3.*the statement at line 2 ran and stays applied.*Incomplete'
        (Get-CrmMigration -Path $root 3>$null | Where-Object Version -eq $c.V0).State | Should -Be 'Incomplete'
        (Get-TestDatabaseState $script:sb).History | Should -BeLike "*$($c.V0) up failed run no-tx"
        Invoke-TestSql $script:sb "select message from supabase_migrations.crmops_migration_history where version = '$($c.V0)'" | Should -Match 'connection'
        Invoke-TestSql $script:sb 'create table public.p_kill4 (id int)' | Out-Null
        (Set-CrmMigrationState -Path $root -Version $c.V0 -State Applied -Confirm:$false -ErrorAction Stop).State | Should -Be 'Applied'
    }
}
