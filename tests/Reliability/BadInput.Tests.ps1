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
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/ReliabilityHelpers.psm1" -Force
    Import-Module (Get-ModulePath) -Force
    $script:sb = Start-TestSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null
    Update-CrmLeadScore -AsOf 2025-10-15 | Out-Null
    Invoke-TestSql $script:sb "create role rel_pw_user login password 'Right-Pa55-for-bad-input'" | Out-Null

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
    $script:validationIds = 'ParameterArgumentValidationError*', 'ParameterArgumentTransformationError*', 'CannotConvertArgumentNoMessage*',
        'ParameterBindingFailed*', 'CannotConvertArgument*', 'NamedParameterNotFound*'
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Bad input' -Tag Reliability, BadInput {
    It '<Name>: a typed error, and nothing changed' -TestCases $cases {
        $before = Get-TestDatabaseState $script:sb
        $text = $Script.Replace('{port}', "$($script:sb.Port)").Replace('{dir}', $script:dir)
        $record = $null
        $ErrorActionPreference = 'Stop'
        try { $null = & ([scriptblock]::Create($text)) } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty -Because "'$text' must fail"
        $id = $record.FullyQualifiedErrorId
        $ok = $id -like 'CrmOps.*' -or @($script:validationIds | Where-Object { $id -like $_ }).Count -gt 0
        $ok | Should -BeTrue -Because "the error id '$id' must be stable ($($record.Exception.Message))"
        if ($id -like 'CrmOps.*') { $record.CategoryInfo.Category | Should -Not -Be 'NotSpecified' -Because $record.Exception.Message }
        "$record" | Should -Not -Match '\s+at [\w.]+\(|\.cs:line|Npgsql\.' -Because 'no stack trace or driver internals'
        $after = Get-TestDatabaseState $script:sb
        $after.Schema | Should -Be $before.Schema
        $after.Counts | Should -Be $before.Counts
        Invoke-TestSql $script:sb 'select count(*) from public.orders_htx' | Should -Be 2178
    }
}
