#requires -Version 7.4
# Migration engine (issue 5). Each test gets its own fresh database; files live under $TestDrive.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-TestSandbox -Empty
    $script:adminCs = $script:sb.ConnectionString
    function Get-CsPart([string] $cs, [string] $key, [string] $default) {
        if ($cs -match "(?i)(?:^|;)\s*$key\s*=\s*([^;]*)") { return $Matches[1] }
        $default
    }
    $script:pgHost = Get-CsPart $script:adminCs '(?:Host|Server)' '127.0.0.1'
    $script:pgPort = Get-CsPart $script:adminCs 'Port' '5432'
    $script:pgUser = Get-CsPart $script:adminCs '(?:Username|User Id|User)' 'postgres'
    $script:adminDb = Get-CsPart $script:adminCs 'Database' 'postgres'
    $script:psql = (Get-Command psql -ErrorAction Ignore).Source
    if (-not $script:psql) { $script:psql = Get-ChildItem '/usr/lib/postgresql/*/bin/psql' -ErrorAction Ignore | Select-Object -Last 1 -ExpandProperty FullName }
    $script:psd1 = (Resolve-Path "$PSScriptRoot/../../CrmOps.psd1").Path
    $script:databases = [System.Collections.Generic.List[string]]::new()

    function Invoke-Sql([string] $Database, [string] $Sql) {
        $out = & $script:psql -X -h $script:pgHost -p $script:pgPort -U $script:pgUser -d $Database -v ON_ERROR_STOP=1 -tAq -c $Sql 2>&1
        if ($LASTEXITCODE -ne 0) { throw "psql failed on $Database ($Sql): $out" }
        $out
    }
    function Start-Sql([string] $Database, [string] $Sql) {
        $psi = [Diagnostics.ProcessStartInfo]::new($script:psql)
        foreach ($a in @('-X', '-h', $script:pgHost, '-p', $script:pgPort, '-U', $script:pgUser, '-d', $Database, '-v', 'ON_ERROR_STOP=1', '-tAq', '-c', $Sql)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        [Diagnostics.Process]::Start($psi)
    }
    function Start-Pwsh([string] $Script) {
        $exe = [Environment]::ProcessPath
        $psi = [Diagnostics.ProcessStartInfo]::new($exe)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in @('-NoProfile', '-NonInteractive', '-Command', $Script)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
        [Diagnostics.Process]::Start($psi)
    }
    function New-TestDb {
        $name = 'crmops_mig_' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        Invoke-Sql $script:adminDb "create database $name" | Out-Null
        $script:databases.Add($name)
        $cs = "Host=$($script:pgHost);Port=$($script:pgPort);Username=$($script:pgUser);Database=$name"
        $root = Join-Path $TestDrive $name
        New-Item -ItemType Directory -Path $root | Out-Null
        [pscustomobject]@{ Name = $name; Cs = $cs; Conn = (Connect-CrmDatabase $cs -NoDefault); Root = $root }
    }
    function Add-Migration($Db, [string] $Version, [string] $Name, [string] $Up, [string] $Down, [string] $Verify) {
        $file = "$($Version)_$Name.sql"
        foreach ($d in 'migrations', 'rollbacks', 'verify') { New-Item -ItemType Directory -Force -Path (Join-Path $Db.Root $d) | Out-Null }
        [IO.File]::WriteAllText((Join-Path $Db.Root "migrations/$file"), $Up)
        if ($PSBoundParameters.ContainsKey('Down')) { [IO.File]::WriteAllText((Join-Path $Db.Root "rollbacks/$file"), $Down) }
        if ($PSBoundParameters.ContainsKey('Verify')) { [IO.File]::WriteAllText((Join-Path $Db.Root "verify/$file"), $Verify) }
        Join-Path $Db.Root "migrations/$file"
    }
    function Get-HistoryCount($Db) {
        if ((Invoke-Sql $Db.Name "select to_regclass('supabase_migrations.crmops_migration_history') is null") -eq 't') { return 0 }
        [int](Invoke-Sql $Db.Name 'select count(*) from supabase_migrations.crmops_migration_history')
    }
    function Test-Column($Db, [string] $Table, [string] $Column) {
        (Invoke-Sql $Db.Name "select exists (select 1 from information_schema.columns where table_schema = 'public' and table_name = '$Table' and column_name = '$Column')") -eq 't'
    }
    # Polls a query (as psql sees it) until it returns 't': waiting for a condition, never for a guessed time.
    function Wait-Sql([string] $Database, [string] $Sql, [string] $What, [int] $TimeoutSeconds = 30) {
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ((Invoke-Sql $Database $Sql) -ne 't') {
            if ([DateTime]::UtcNow -gt $deadline) { throw "timed out after $TimeoutSeconds s waiting for $What" }
            Start-Sleep -Milliseconds 50
        }
    }
    # True once another session holds a granted lock of this mode on public.$Table.
    function Wait-TableLock([string] $Database, [string] $Table, [string] $Mode) {
        Wait-Sql $Database "select exists (select 1 from pg_locks where relation = 'public.$Table'::regclass and mode = '$Mode' and granted and pid <> pg_backend_pid())" "a session to hold $Mode on $Table"
    }
    # Ends a background psql (its server backend too: a killed client's backend would sleep on, holding its locks).
    function Stop-Sql([string] $Database, $Process) {
        Invoke-Sql $script:adminDb "select pg_terminate_backend(pid) from pg_stat_activity where datname = '$Database' and application_name = 'psql' and pid <> pg_backend_pid()" | Out-Null
        if (-not $Process.WaitForExit(10000)) { $Process.Kill() }
    }
    function Test-Table($Db, [string] $Table) { (Invoke-Sql $Db.Name "select to_regclass('public.$Table') is not null") -eq 't' }
    function New-Customers($Db) {
        Invoke-Sql $Db.Name "create table public.customers (id uuid primary key default gen_random_uuid(), full_name text, email text, created_at timestamptz not null default now(), updated_at timestamptz not null default now()); insert into public.customers (full_name, email) values ('Test One', 't1@example.com'), ('Test Two', 't2@example.com'), ('Test Three', 't3@example.com');" | Out-Null
    }
}

AfterAll {
    foreach ($name in $script:databases) {
        try { Invoke-Sql $script:adminDb "drop database if exists $name with (force)" | Out-Null } catch { Write-Warning $_ }
    }
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Invoke-CrmMigration' -Tag Migrations {
    It 'applies pending migrations, records history in crmops and in supabase_migrations.schema_migrations' {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text)' | Out-Null
        Add-Migration $db '20250101000000' 'first' "create table public.t1 (id int primary key);`ninsert into public.t1 values (1);`n" 'drop table public.t1;' | Out-Null
        Add-Migration $db '20250101000001' 'second' "create function public.one() returns int language sql`nbegin atomic`n  select 1;`nend;`n" 'drop function public.one();' | Out-Null
        $r = Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop
        $r.Count | Should -Be 2
        $r[0].GetType().FullName | Should -Be 'CrmOps.CrmMigrationResult'
        $r.Status | Should -Be @('Applied', 'Applied')
        $r[0].Statements | Should -Be 2
        (Invoke-Sql $db.Name 'select public.one()') | Should -Be '1'
        (Invoke-Sql $db.Name "select string_agg(version || ':' || direction || ':' || success || ':' || transactional, ',' order by id) from supabase_migrations.crmops_migration_history") |
            Should -Be '20250101000000:up:true:true,20250101000001:up:true:true'
        (Invoke-Sql $db.Name "select string_agg(version || ':' || name || ':' || cardinality(statements), ',' order by version) from supabase_migrations.schema_migrations") |
            Should -Be '20250101000000:first:2,20250101000001:second:1'
        $m = Get-CrmMigration -Path $db.Root -Connection $db.Conn
        $m.State | Should -Be @('Applied', 'Applied')
        $m[0].AppliedBy | Should -Not -BeNullOrEmpty
        (Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop) | Should -BeNullOrEmpty
    }

    It 'resolves -Path relative to the PowerShell location and defaults to ./supabase' {
        $db = New-TestDb
        $db2 = [pscustomobject]@{ Root = Join-Path $db.Root 'supabase' }
        New-Item -ItemType Directory $db2.Root | Out-Null
        Add-Migration $db2 '20250101000000' 'rel' 'create table public.rel (id int);' 'drop table public.rel;' | Out-Null
        Push-Location $db.Root
        try { (Invoke-CrmMigration -Connection $db.Conn -ErrorAction Stop).Status | Should -Be 'Applied' }
        finally { Pop-Location }
        Test-Table $db 'rel' | Should -BeTrue
    }

    It 'refuses a require-rows guard on the 3-row customers table (the seed''s mistake) and changes nothing' {
        $db = New-TestDb
        New-Customers $db
        Add-Migration $db '20250115070000' 'lead_scoring' "-- crmops:require-rows customers >= 1000`nalter table customers add column lead_score integer;`n" 'alter table customers drop column lead_score;' | Out-Null
        $err = $null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationRequirementFailed*'
        $err[0].Exception.Message | Should -Match 'customers >= 1000'
        $err[0].Exception.Message | Should -Match 'public\.customers has 3 row'
        Test-Column $db 'customers' 'lead_score' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be 'Pending'
    }

    It 'leaves no partial schema and no history row when a statement fails halfway; the next run retries cleanly' {
        $db = New-TestDb
        $path = Add-Migration $db '20250101000000' 'half' "create table public.half (id int);`ninsert into public.half values (1);`nselect 1/0;`n" 'drop table public.half;'
        $err = $null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationFailed*'
        $err[0].Exception.Message | Should -Match 'line 3'
        $err[0].Exception.Message | Should -Match 'division by zero'
        Test-Table $db 'half' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
        [IO.File]::WriteAllText($path, "create table public.half (id int);`ninsert into public.half values (1);`n")
        (Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop).Status | Should -Be 'Applied'
        Test-Table $db 'half' | Should -BeTrue
    }

    It 'leaves nothing when the migrating connection is killed mid-run, and the next run succeeds' {
        $db = New-TestDb
        # The migration waits at a gate this test holds shut (an advisory lock), provably mid-run, until the kill.
        Add-Migration $db '20250101000000' 'slow' "create table public.slow (id int);`nselect pg_advisory_xact_lock_shared(4242);`n" 'drop table public.slow;' | Out-Null
        $gate = Start-Sql $db.Name 'select pg_advisory_lock(4242); select pg_sleep(600);'
        Wait-Sql $db.Name "select exists (select 1 from pg_locks where locktype = 'advisory' and objid = 4242 and mode = 'ExclusiveLock' and granted)" 'the gate to close'
        $child = Start-Pwsh "Import-Module '$($script:psd1)'; try { Invoke-CrmMigration -Path '$($db.Root)' -Connection '$($db.Cs)' -ErrorAction Stop | Out-Null; exit 0 } catch { [Console]::Error.WriteLine(`$_.Exception.Message); exit 1 }"
        $killed = $false
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while (-not $killed -and [DateTime]::UtcNow -lt $deadline -and -not $child.HasExited) {
            $pid_ = Invoke-Sql $db.Name "select pid from pg_stat_activity where datname = current_database() and wait_event = 'advisory' and query like '%pg_advisory_xact_lock_shared(4242)%' limit 1"
            if ($pid_) { Invoke-Sql $db.Name "select pg_terminate_backend($pid_)" | Out-Null; $killed = $true }
            else { Start-Sleep -Milliseconds 100 }
        }
        $child.WaitForExit(60000) | Should -BeTrue
        Stop-Sql $db.Name $gate
        $stderr = $child.StandardError.ReadToEnd()
        $killed | Should -BeTrue
        $child.ExitCode | Should -Be 1
        $stderr | Should -Match 'rolled'
        Test-Table $db 'slow' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
        (Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop).Status | Should -Be 'Applied'
        Test-Table $db 'slow' | Should -BeTrue
    }

    It 'leaves nothing when the run is stopped with Ctrl+C (StopProcessing) mid-statement' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'stopped' "create table public.stopped (id int);`nselect pg_sleep(300);`n" 'drop table public.stopped;' | Out-Null
        $ps = [powershell]::Create()
        [void] $ps.AddScript("Import-Module '$($script:psd1)'; Invoke-CrmMigration -Path '$($db.Root)' -Connection '$($db.Cs)'")
        $handle = $ps.BeginInvoke()
        $seen = $false
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while (-not $seen -and [DateTime]::UtcNow -lt $deadline) {
            $seen = [bool](Invoke-Sql $db.Name "select 1 from pg_stat_activity where datname = current_database() and query like '%pg_sleep(300)%' and pid <> pg_backend_pid()")
            if (-not $seen) { Start-Sleep -Milliseconds 100 }
        }
        $seen | Should -BeTrue
        $log = Join-Path (Split-Path $script:sb.DataDirectory) 'server.log'
        $logBefore = (Get-Item $log).Length
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        # The statement sleeps 300 s: a Stop that waited for it would take minutes.
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 60
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        # The server itself says the statement was cancelled.
        $fs = [IO.File]::Open($log, 'Open', 'Read', 'ReadWrite'); $fs.Position = $logBefore
        $tail = [IO.StreamReader]::new($fs).ReadToEnd(); $fs.Dispose()
        $tail | Should -Match 'canceling statement due to user request'
        Test-Table $db 'stopped' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
        (Invoke-Sql $db.Name "select count(*) from pg_stat_activity where datname = current_database() and query like '%pg_sleep(300)%' and state = 'active' and pid <> pg_backend_pid()") | Should -Be '0'
    }

    It 'applies each migration exactly once when four pwsh processes run at the same time' {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create table public.applied_log (migration text not null, at timestamptz default clock_timestamp())' | Out-Null
        foreach ($i in 1..3) {
            Add-Migration $db "2025010100000$i" "m$i" "insert into public.applied_log (migration) values ('m$i');`nselect pg_sleep(0.3);`ncreate table public.made_$i (id int);`n" "drop table public.made_$i;" | Out-Null
        }
        $script = "Import-Module '$($script:psd1)'; try { Invoke-CrmMigration -Path '$($db.Root)' -Connection '$($db.Cs)' -LockWait 60 -ErrorAction Stop | ForEach-Object { `$_.Status }; exit 0 } catch { [Console]::Error.WriteLine(`$_.Exception.Message); exit 1 }"
        $children = 1..4 | ForEach-Object { Start-Pwsh $script }
        foreach ($c in $children) { $c.WaitForExit(120000) | Should -BeTrue }
        $outputs = $children | ForEach-Object { $_.StandardOutput.ReadToEnd() }
        $errors = $children | ForEach-Object { $_.StandardError.ReadToEnd() } | Where-Object { $_ }
        $errors | Should -BeNullOrEmpty
        $children.ExitCode | Should -Be @(0, 0, 0, 0)
        (Invoke-Sql $db.Name "select string_agg(migration || '=' || n, ',' order by migration) from (select migration, count(*) n from public.applied_log group by 1) x") | Should -Be 'm1=1,m2=1,m3=1'
        (Invoke-Sql $db.Name "select count(*) from supabase_migrations.crmops_migration_history where direction = 'up'") | Should -Be '3'
        (($outputs -join "`n") -split '\s+' | Where-Object { $_ -eq 'Applied' }).Count | Should -Be 3
    }

    It 'refuses an applied migration whose file changed (State Modified)' {
        $db = New-TestDb
        $path = Add-Migration $db '20250101000000' 'a' 'create table public.a (id int);' 'drop table public.a;'
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        [IO.File]::WriteAllText($path, "create table public.a (id bigint);")
        Add-Migration $db '20250101000001' 'b' 'create table public.b (id int);' 'drop table public.b;' | Out-Null
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn)[0].State | Should -Be 'Modified'
        $err = $null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationModified*'
        $err[0].Exception.Message | Should -Match '20250101000000_a\.sql'
        Test-Table $db 'b' | Should -BeFalse
        # Put back as applied: no longer modified, and the run goes on to b.
        [IO.File]::WriteAllText($path, 'create table public.a (id int);')
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn)[0].State | Should -Be 'Applied'
        (Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop).Version | Should -Be '20250101000001'
        Test-Table $db 'b' | Should -BeTrue
    }

    It 'treats CRLF and LF versions of an applied file as unchanged' {
        $db = New-TestDb
        $path = Add-Migration $db '20250101000000' 'a' "create table public.a (id int);`ncreate table public.a2 (id int);`n" 'drop table public.a2; drop table public.a;'
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        [IO.File]::WriteAllText($path, "create table public.a (id int);`r`ncreate table public.a2 (id int);`r`n")
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be 'Applied'
    }

    It 'refuses out-of-order pending versions unless -AllowOutOfOrder' {
        $db = New-TestDb
        Add-Migration $db '20250101000005' 'new' 'create table public.n (id int);' 'drop table public.n;' | Out-Null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        Add-Migration $db '20250101000001' 'old' 'create table public.o (id int);' 'drop table public.o;' | Out-Null
        $err = $null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationOutOfOrder*'
        Test-Table $db 'o' | Should -BeFalse
        (Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -AllowOutOfOrder -ErrorAction Stop).Version | Should -Be '20250101000001'
    }

    It 'rolls the migration back when a verify query returns false' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'v' 'create table public.v (id int);' 'drop table public.v;' "select true;`nselect count(*) = 1 from public.v;" | Out-Null
        $err = $null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationVerifyFailed*'
        $err[0].Exception.Message | Should -Match ':2'
        Test-Table $db 'v' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
    }

    It 'fails with the lock it waited for after -LockTimeout, and changes nothing' {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create table public.busy (id int)' | Out-Null
        Add-Migration $db '20250101000000' 'busy' 'alter table public.busy add column x int;' 'alter table public.busy drop column x;' | Out-Null
        $holder = Start-Sql $db.Name "begin; lock table public.busy in access share mode; select pg_sleep(300); commit;"
        try {
            Wait-TableLock $db.Name 'busy' 'AccessShareLock'
            $err = $null
            Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -LockTimeout 1 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            # It gave up while the holder still held its lock: it did not wait for the holder.
            $holder.HasExited | Should -BeFalse
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationLockTimeout*'
            # The lock the statement waited for, and the session holding the conflicting one (issue 14: the lock watch).
            $err[0].Exception.Message | Should -Match 'AccessExclusiveLock on busy, held by pid \d+ \(user \w+, application ''psql'', .*holding AccessShareLock'
            $err[0].Exception.Message | Should -Match 'lock_timeout of 1 s'
            Test-Column $db 'busy' 'x' | Should -BeFalse
            Get-HistoryCount $db | Should -Be 0
        }
        finally { Stop-Sql $db.Name $holder }
    }

    It 'waits -LockWait for another run''s advisory lock, then fails clearly' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'w' 'create table public.w (id int);' 'drop table public.w;' | Out-Null
        $holder = Start-Sql $db.Name "begin; select pg_advisory_xact_lock(hashtext('crmops:migrations')::bigint); select pg_sleep(300); commit;"
        try {
            Wait-Sql $db.Name "select exists (select 1 from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database()))" 'the other run to hold the migration lock'
            $err = $null
            Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -LockWait 1 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $holder.HasExited | Should -BeFalse -Because 'it gave up while the other run still held the lock'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationRunInProgress*'
            $err[0].Exception.Message | Should -Match 'another migration run .* held the migration lock for 1 s'
            Test-Table $db 'w' | Should -BeFalse
        }
        finally { Stop-Sql $db.Name $holder }
    }

    It 'records a no-transaction migration as such' {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create table public.big (id int)' | Out-Null
        Add-Migration $db '20250101000000' 'concurrent_index' "-- crmops:no-transaction`ncreate index concurrently big_id on public.big (id);`ncreate table nt_made (id int);`n" 'drop index concurrently public.big_id;' | Out-Null
        (Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop).Status | Should -Be 'Applied'
        # One row per run: the start row written before the first statement, finished in place.
        (Invoke-Sql $db.Name "select string_agg(format('%s %s', transactional, success), ',') from supabase_migrations.crmops_migration_history") | Should -Be 'f t'
        Test-Table $db 'nt_made' | Should -BeTrue # unqualified names go to public, never to CrmOps' own schema
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).Transactional | Should -BeFalse
    }
}

Describe 'Invoke-CrmMigration -WhatIf' -Tag Migrations {
    It 'plans each migration with its statements and touched tables with exact row counts, warns on likely test data, changes nothing' {
        $db = New-TestDb
        New-Customers $db
        Invoke-Sql $db.Name 'create table public.customer_profiles (id int primary key); insert into public.customer_profiles select generate_series(1, 25);' | Out-Null
        Add-Migration $db '20250101000000' 'touch' "alter table customers add column lead_score int;`ncreate index cp_idx on public.customer_profiles (id);`nupdate customer_profiles set id = id where false;`ncreate table public.brand_new (id int);`n" 'select 1;' | Out-Null
        $warn = $null
        $r = Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -WhatIf -WarningVariable warn -WarningAction SilentlyContinue
        $r.Status | Should -Be 'Planned'
        $r.Statements | Should -Be 4
        $r.StatementText[0] | Should -Be 'alter table customers add column lead_score int'
        $r.Tables | Should -Be @('public.customers (3 rows)', 'public.customer_profiles (25 rows)')
        @($warn).Count | Should -Be 1
        "$($warn[0])" | Should -Match 'public\.customers.*3 row.*test data'
        Test-Column $db 'customers' 'lead_score' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
    }
}

Describe 'Undo-CrmMigration' -Tag Migrations {
    It 'rolls back newest first, each with a down history row, and removes Supabase''s rows' {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text)' | Out-Null
        foreach ($i in 1..3) { Add-Migration $db "2025010100000$i" "m$i" "create table public.u$i (id int);" "drop table public.u$i;" | Out-Null }
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        $r = Undo-CrmMigration -Path $db.Root -Connection $db.Conn -Count 2 -Confirm:$false -ErrorAction Stop
        $r.Version | Should -Be @('20250101000003', '20250101000002')
        $r.Direction | Should -Be @('Down', 'Down')
        $r.Status | Should -Be @('RolledBack', 'RolledBack')
        Test-Table $db 'u3' | Should -BeFalse
        Test-Table $db 'u2' | Should -BeFalse
        Test-Table $db 'u1' | Should -BeTrue
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be @('Applied', 'RolledBack', 'RolledBack')
        (Invoke-Sql $db.Name "select string_agg(version, ',') from supabase_migrations.schema_migrations") | Should -Be '20250101000001'
        (Invoke-Sql $db.Name "select count(*) from supabase_migrations.crmops_migration_history where direction = 'down'") | Should -Be '2'
        # Default -Count 1
        (Undo-CrmMigration -Path $db.Root -Connection $db.Conn -Confirm:$false -ErrorAction Stop).Version | Should -Be '20250101000001'
        # Re-applying a rolled-back migration works.
        (Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop).Count | Should -Be 3
    }

    It 'rolls back to -Target' {
        $db = New-TestDb
        foreach ($i in 1..3) { Add-Migration $db "2025010100000$i" "m$i" "create table public.u$i (id int);" "drop table public.u$i;" | Out-Null }
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        (Undo-CrmMigration -Path $db.Root -Connection $db.Conn -Target 20250101000001 -Confirm:$false -ErrorAction Stop).Version | Should -Be @('20250101000003', '20250101000002')
    }

    It 'refuses before anything runs when a rollback is missing' {
        $db = New-TestDb
        Add-Migration $db '20250101000001' 'with_rb' 'create table public.r1 (id int);' 'drop table public.r1;' | Out-Null
        Add-Migration $db '20250101000002' 'no_rb' 'create table public.r2 (id int);' | Out-Null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        $err = $null
        Undo-CrmMigration -Path $db.Root -Connection $db.Conn -Count 2 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationRollbackMissing*'
        $err[0].Exception.Message | Should -Match '20250101000002_no_rb\.sql'
        Test-Table $db 'r1' | Should -BeTrue
        Test-Table $db 'r2' | Should -BeTrue
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be @('Applied', 'Applied')
    }
}

Describe 'Undo-CrmMigration: -WhatIf, -Force, -LockTimeout, -LockWait' -Tag Migrations {
    BeforeAll {
        # Two applied migrations on a table that holds rows.
        function New-AppliedDb {
            $db = New-TestDb
            Invoke-Sql $db.Name 'create table public.busy (id int); insert into public.busy select generate_series(1, 12);' | Out-Null
            Add-Migration $db '20250101000001' 'col_a' 'alter table public.busy add column a int;' 'alter table public.busy drop column a;' | Out-Null
            Add-Migration $db '20250101000002' 'col_b' 'alter table public.busy add column b int;' 'alter table public.busy drop column b;' | Out-Null
            Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
            $db
        }
    }

    It '-WhatIf plans the rollbacks with their tables and rolls back nothing' {
        $db = New-AppliedDb
        $plan = @(Undo-CrmMigration -Path $db.Root -Connection $db.Conn -Count 2 -WhatIf)
        $plan.Version | Should -Be @('20250101000002', '20250101000001')
        $plan.Direction | Should -Be @('Down', 'Down')
        $plan.StatementText | Should -Be @('alter table public.busy drop column b', 'alter table public.busy drop column a')
        $plan[0].Tables | Should -Be 'public.busy (12 rows)'
        Test-Column $db 'busy' 'a' | Should -BeTrue
        Test-Column $db 'busy' 'b' | Should -BeTrue
        (Invoke-Sql $db.Name "select count(*) from supabase_migrations.crmops_migration_history where direction = 'down'") | Should -Be '0'
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be @('Applied', 'Applied')
    }

    It 'asks before each rollback with -Confirm, and -Force rolls back without asking' {
        $db = New-AppliedDb
        # A non-interactive session cannot answer: asking fails, so the rollback cannot happen unasked.
        $asked = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; try { Undo-CrmMigration -Path '$($db.Root)' -Connection '$($db.Cs)' -Confirm -ErrorAction Stop | Out-Null; 'ROLLED BACK' } catch { 'ERR ' + `$_.Exception.Message }"
        $asked.StdOut | Should -Match 'ERR .*NonInteractive'
        Test-Column $db 'busy' 'b' | Should -BeTrue
        $forced = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; (Undo-CrmMigration -Path '$($db.Root)' -Connection '$($db.Cs)' -Confirm -Force -ErrorAction Stop).Status"
        $forced.ExitCode | Should -Be 0 -Because $forced.StdErr
        $forced.StdOut.Trim() | Should -Be 'RolledBack'
        Test-Column $db 'busy' 'b' | Should -BeFalse
        Test-Column $db 'busy' 'a' | Should -BeTrue
    }

    It '-LockTimeout: gives up on a table another session holds, and changes nothing' {
        $db = New-AppliedDb
        $holder = Start-Sql $db.Name 'begin; lock table public.busy in access share mode; select pg_sleep(300); commit;'
        try {
            Wait-TableLock $db.Name 'busy' 'AccessShareLock'
            $err = $null
            Undo-CrmMigration -Path $db.Root -Connection $db.Conn -LockTimeout 0.5 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $holder.HasExited | Should -BeFalse -Because 'it gave up while the holder still held its lock'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationLockTimeout*'
            $err[0].Exception.Message | Should -Match 'lock_timeout of 0\.5 s'
            $err[0].Exception.Message | Should -Match 'AccessExclusiveLock on busy, held by pid \d+ \(user \w+, application ''psql'', .*holding AccessShareLock'
            Test-Column $db 'busy' 'b' | Should -BeTrue
            (Invoke-Sql $db.Name "select count(*) from supabase_migrations.crmops_migration_history where direction = 'down'") | Should -Be '0'
        }
        finally { Stop-Sql $db.Name $holder }
    }

    It '-LockWait: gives up while another run holds the migration lock, and changes nothing' {
        $db = New-AppliedDb
        $holder = Start-Sql $db.Name "begin; select pg_advisory_xact_lock(hashtext('crmops:migrations')::bigint); select pg_sleep(300); commit;"
        try {
            Wait-Sql $db.Name "select exists (select 1 from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database()))" 'the other run to hold the migration lock'
            $err = $null
            Undo-CrmMigration -Path $db.Root -Connection $db.Conn -LockWait 1 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $holder.HasExited | Should -BeFalse
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationRunInProgress*'
            $err[0].Exception.Message | Should -Match 'held the migration lock for 1 s'
            Test-Column $db 'busy' 'b' | Should -BeTrue
        }
        finally { Stop-Sql $db.Name $holder }
        # Free again: the same rollback goes through.
        (Undo-CrmMigration -Path $db.Root -Connection $db.Conn -LockWait 1 -Confirm:$false -ErrorAction Stop).Status | Should -Be 'RolledBack'
        Test-Column $db 'busy' 'b' | Should -BeFalse
    }
}

Describe 'Invoke-CrmMigration -Force' -Tag Migrations {
    It 'asks before each migration with -Confirm, and -Force applies without asking' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'forced' 'create table public.forced (id int);' 'drop table public.forced;' | Out-Null
        $asked = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; try { Invoke-CrmMigration -Path '$($db.Root)' -Connection '$($db.Cs)' -Confirm -ErrorAction Stop | Out-Null; 'APPLIED' } catch { 'ERR ' + `$_.Exception.Message }"
        $asked.StdOut | Should -Match 'ERR .*NonInteractive'
        Test-Table $db 'forced' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
        $forced = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; (Invoke-CrmMigration -Path '$($db.Root)' -Connection '$($db.Cs)' -Confirm -Force -ErrorAction Stop).Status"
        $forced.ExitCode | Should -Be 0 -Because $forced.StdErr
        $forced.StdOut.Trim() | Should -Be 'Applied'
        Test-Table $db 'forced' | Should -BeTrue
        Get-HistoryCount $db | Should -Be 1
    }
}

Describe 'Set-CrmMigrationState' -Tag Migrations {
    It 'marks a migration applied or rolled back without running it' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'mark' 'create table public.mark (id int);' 'drop table public.mark;' | Out-Null
        (Set-CrmMigrationState -Path $db.Root -Connection $db.Conn -Version 20250101000000 -State Applied -Confirm:$false -ErrorAction Stop).State | Should -Be 'Applied'
        Test-Table $db 'mark' | Should -BeFalse
        (Invoke-Sql $db.Name 'select mode from supabase_migrations.crmops_migration_history') | Should -Be 'marked'
        Set-CrmMigrationState -Path $db.Root -Connection $db.Conn -Version 20250101000000 -State RolledBack -Confirm:$false -ErrorAction Stop | Out-Null
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be 'RolledBack'
        Set-CrmMigrationState -Path $db.Root -Connection $db.Conn -Version 20250101000000 -State Applied -WhatIf | Should -BeNullOrEmpty
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be 'RolledBack'
    }

    It 'asks with -Confirm, and -Force marks without asking' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'mark' 'create table public.mark (id int);' 'drop table public.mark;' | Out-Null
        $asked = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; try { Set-CrmMigrationState -Path '$($db.Root)' -Connection '$($db.Cs)' -Version 20250101000000 -State Applied -Confirm -ErrorAction Stop | Out-Null; 'MARKED' } catch { 'ERR ' + `$_.Exception.Message }"
        $asked.StdOut | Should -Match 'ERR .*NonInteractive'
        Get-HistoryCount $db | Should -Be 0
        $forced = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; (Set-CrmMigrationState -Path '$($db.Root)' -Connection '$($db.Cs)' -Version 20250101000000 -State Applied -Confirm -Force -ErrorAction Stop).State"
        $forced.ExitCode | Should -Be 0 -Because $forced.StdErr
        $forced.StdOut.Trim() | Should -Be 'Applied'
        (Invoke-Sql $db.Name 'select mode from supabase_migrations.crmops_migration_history') | Should -Be 'marked'
        Test-Table $db 'mark' | Should -BeFalse
    }

    It '-LockTimeout: gives up when the history table is locked by another session, and marks nothing' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'mark' 'create table public.mark (id int);' 'drop table public.mark;' | Out-Null
        Add-Migration $db '20250101000001' 'mark2' 'create table public.mark2 (id int);' 'drop table public.mark2;' | Out-Null
        Set-CrmMigrationState -Path $db.Root -Connection $db.Conn -Version 20250101000000 -State Applied -Confirm:$false -ErrorAction Stop | Out-Null
        $holder = Start-Sql $db.Name 'begin; lock table supabase_migrations.crmops_migration_history in access exclusive mode; select pg_sleep(300); commit;'
        try {
            Wait-Sql $db.Name "select exists (select 1 from pg_locks where relation = 'supabase_migrations.crmops_migration_history'::regclass and mode = 'AccessExclusiveLock' and granted and pid <> pg_backend_pid())" 'the history table to be locked'
            $err = $null
            Set-CrmMigrationState -Path $db.Root -Connection $db.Conn -Version 20250101000001 -State Applied -LockTimeout 0.5 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $holder.HasExited | Should -BeFalse -Because 'it gave up while the holder still held its lock'
            $err | Should -Not -BeNullOrEmpty
            $err[0].Exception.Message | Should -Match 'lock'
            $err[0].Exception.Message | Should -Match '20250101000001_mark2\.sql'
        }
        finally { Stop-Sql $db.Name $holder }
        (Invoke-Sql $db.Name 'select count(*) from supabase_migrations.crmops_migration_history') | Should -Be '1'
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be @('Applied', 'Pending')
    }

    It '-LockWait: gives up while another run holds the migration lock, and marks nothing' {
        $db = New-TestDb
        Add-Migration $db '20250101000000' 'mark' 'create table public.mark (id int);' 'drop table public.mark;' | Out-Null
        $holder = Start-Sql $db.Name "begin; select pg_advisory_xact_lock(hashtext('crmops:migrations')::bigint); select pg_sleep(300); commit;"
        try {
            Wait-Sql $db.Name "select exists (select 1 from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database()))" 'the other run to hold the migration lock'
            $err = $null
            Set-CrmMigrationState -Path $db.Root -Connection $db.Conn -Version 20250101000000 -State Applied -LockWait 1 -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $holder.HasExited | Should -BeFalse
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationRunInProgress*'
            $err[0].Exception.Message | Should -Match 'held the migration lock for 1 s'
        }
        finally { Stop-Sql $db.Name $holder }
        Get-HistoryCount $db | Should -Be 0
        (Get-CrmMigration -Path $db.Root -Connection $db.Conn).State | Should -Be 'Pending'
    }
}

Describe 'Test-CrmMigration' -Tag Migrations {
    It '-RoundTrip reports a rollback that leaves a column behind, and nothing persists' {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create table public.t (id int)' | Out-Null
        Add-Migration $db '20250101000001' 'good' "create table public.g (id int);`ncomment on table public.g is 'x';" 'drop table public.g;' | Out-Null
        Add-Migration $db '20250101000002' 'leaky' "alter table public.t add column leftover int;`ncreate index t_id on public.t (id);" 'drop index public.t_id;' | Out-Null
        $r = Test-CrmMigration -Path $db.Root -Connection $db.Conn -RoundTrip -ErrorAction Stop
        $r[0].GetType().FullName | Should -Be 'CrmOps.CrmCheckResult'
        ($r | Where-Object Target -eq '20250101000001_good.sql').Passed | Should -BeTrue
        $bad = @($r | Where-Object { -not $_.Passed })
        $bad.Count | Should -Be 1
        $bad[0].Target | Should -Be '20250101000002_leaky.sql: column public.t.leftover'
        $bad[0].Expected | Should -Be '(absent)'
        $bad[0].Message | Should -Match 'left behind'
        Test-Table $db 'g' | Should -BeFalse
        Test-Column $db 't' 'leftover' | Should -BeFalse
        Get-HistoryCount $db | Should -Be 0
    }

    It '-RoundTrip reports a failing script and still leaves nothing' {
        $db = New-TestDb
        Add-Migration $db '20250101000001' 'fails' "create table public.f (id int);`nselect 1/0;" 'drop table public.f;' | Out-Null
        $r = Test-CrmMigration -Path $db.Root -Connection $db.Conn -RoundTrip -ErrorAction Stop
        $r.Passed | Should -BeFalse
        $r.Message | Should -Match 'up script failed at line 2'
        Test-Table $db 'f' | Should -BeFalse
    }

    It 'validates the set: names, duplicates, checksums, rollbacks and requirements' {
        $db = New-TestDb
        New-Customers $db
        $path = Add-Migration $db '20250101000001' 'ok' 'create table public.ok (id int);' 'drop table public.ok;'
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        [IO.File]::WriteAllText($path, 'create table public.ok (id bigint);')
        Add-Migration $db '20250101000002' 'guarded' "-- crmops:require-rows public.customers >= 1000`nselect 1;" | Out-Null
        Add-Migration $db '20250101000002' 'zz_dupe' 'select 2;' 'select 2;' | Out-Null
        [IO.File]::WriteAllText((Join-Path $db.Root 'migrations/not_a_migration.sql'), 'select 1;')
        $r = Test-CrmMigration -Path $db.Root -Connection $db.Conn
        $failed = $r | Where-Object { -not $_.Passed }
        $failed.Check | Should -Contain 'MigrationFileInvalid'
        $failed.Check | Should -Contain 'MigrationDuplicateVersion'
        $failed.Check | Should -Contain 'MigrationModified'
        $failed.Check | Should -Contain 'MigrationRollbackMissing'
        ($failed | Where-Object Check -eq 'MigrationRequirement').Actual | Should -Be '3'
        ($failed | Where-Object Check -eq 'MigrationFileInvalid').Target | Should -BeLike '*not_a_migration.sql'
    }
}

Describe 'Test-CrmMigration failures' -Tag Migrations {
    It 'reports an applied migration whose file is gone (MigrationMissing)' {
        $db = New-TestDb
        $path = Add-Migration $db '20250101000001' 'gone' 'create table public.gone (id int);' 'drop table public.gone;'
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        (Test-CrmMigration -Path $db.Root -Connection $db.Conn | Where-Object { -not $_.Passed }) | Should -BeNullOrEmpty
        Remove-Item $path, (Join-Path $db.Root 'rollbacks/20250101000001_gone.sql')
        $failed = @(Test-CrmMigration -Path $db.Root -Connection $db.Conn | Where-Object { -not $_.Passed })
        $failed.Check | Should -Be 'MigrationMissing'
        $failed[0].Message | Should -Match '20250101000001_gone\.sql is applied in the database \(CrmOps'' history of this set\) but has no file'
    }

    It 'reports an out-of-order pending migration; -RoundTrip refuses it unless -AllowOutOfOrder' {
        $db = New-TestDb
        Add-Migration $db '20250101000005' 'new' 'create table public.n (id int);' 'drop table public.n;' | Out-Null
        Invoke-CrmMigration -Path $db.Root -Connection $db.Conn -ErrorAction Stop | Out-Null
        Add-Migration $db '20250101000001' 'old' 'create table public.o (id int);' 'drop table public.o;' | Out-Null
        $failed = @(Test-CrmMigration -Path $db.Root -Connection $db.Conn | Where-Object { -not $_.Passed })
        $failed.Check | Should -Be 'MigrationOutOfOrder'
        $failed[0].Expected | Should -Be '> 20250101000005'
        $failed[0].Actual | Should -Be '20250101000001'
        { Test-CrmMigration -Path $db.Root -Connection $db.Conn -RoundTrip -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.MigrationOutOfOrder*'
        $r = @(Test-CrmMigration -Path $db.Root -Connection $db.Conn -RoundTrip -AllowOutOfOrder -ErrorAction Stop)
        $r.Target | Should -Be '20250101000001_old.sql'
        $r.Passed | Should -Be $true
        Test-Table $db 'o' | Should -BeFalse -Because 'a rehearsal leaves nothing'
    }

    It '-RoundTrip -LockTimeout: a rehearsal that meets a held lock fails on it and leaves nothing' {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create table public.busy (id int)' | Out-Null
        Add-Migration $db '20250101000001' 'busy' 'alter table public.busy add column x int;' 'alter table public.busy drop column x;' | Out-Null
        $holder = Start-Sql $db.Name 'begin; lock table public.busy in access share mode; select pg_sleep(300); commit;'
        try {
            Wait-TableLock $db.Name 'busy' 'AccessShareLock'
            $r = @(Test-CrmMigration -Path $db.Root -Connection $db.Conn -RoundTrip -LockTimeout 0.5 -ErrorAction Stop)
            $holder.HasExited | Should -BeFalse
            $r.Passed | Should -Be $false
            $r[0].Message | Should -Match 'the up script failed at line 1: canceling statement due to lock timeout'
        }
        finally { Stop-Sql $db.Name $holder }
        Test-Column $db 'busy' 'x' | Should -BeFalse
        (Test-CrmMigration -Path $db.Root -Connection $db.Conn -RoundTrip -LockTimeout 0.5 -ErrorAction Stop).Passed | Should -BeTrue -Because 'free again'
    }

    It '-RoundTrip reports <Case>' -TestCases @(
        @{ Case = 'a rollback that drops what the migration did not add'; Up = 'create table public.added (id int);'; Down = 'drop table public.added; drop table public.keep;'; Message = 'table public.keep is gone' }
        @{ Case = 'a migration without a rollback'; Up = 'create table public.added (id int);'; Down = $null; Message = 'has no rollback script; rehearsal stopped here' }
        @{ Case = 'a no-transaction migration'; Up = "-- crmops:no-transaction`ncreate index concurrently keep_id on public.keep (id);"; Down = 'drop index public.keep_id;'; Message = 'cannot be rehearsed inside one' }
        @{ Case = 'a verify query that returns false'; Up = 'create table public.added (id int);'; Down = 'drop table public.added;'; Verify = 'select count(*) = 1 from public.added;'; Message = 'the verify script failed' }
    ) {
        $db = New-TestDb
        Invoke-Sql $db.Name 'create table public.keep (id int)' | Out-Null
        $files = @{}
        if ($Down) { $files.Down = $Down }
        if ($Verify) { $files.Verify = $Verify }
        Add-Migration $db '20250101000001' 'case' $Up @files | Out-Null
        $before = Invoke-Sql $db.Name "select string_agg(relname, ',' order by relname) from pg_class where relnamespace = 'public'::regnamespace"
        $r = @(Test-CrmMigration -Path $db.Root -Connection $db.Conn -RoundTrip -ErrorAction Stop)
        @($r | Where-Object { -not $_.Passed }).Count | Should -BeGreaterThan 0
        ($r | Where-Object { -not $_.Passed }).Message -join ' ' | Should -Match ([regex]::Escape($Message))
        Invoke-Sql $db.Name "select string_agg(relname, ',' order by relname) from pg_class where relnamespace = 'public'::regnamespace" | Should -Be $before
        Get-HistoryCount $db | Should -Be 0
    }

    It 'reports a requirement on a table that does not exist' {
        $db = New-TestDb
        Add-Migration $db '20250101000001' 'needs' "-- crmops:require-rows public.not_there >= 1`nselect 1;" 'select 1;' | Out-Null
        $req = Test-CrmMigration -Path $db.Root -Connection $db.Conn | Where-Object Check -EQ 'MigrationRequirement'
        $req.Passed | Should -BeFalse
        $req.Actual | Should -Be '(no such table)'
        $req.Message | Should -Match 'requires .*not_there.*does not exist'
    }
}

Describe 'New-CrmMigration and -BuiltIn' -Tag Migrations {
    It 'creates the up, rollback and verify files under ./supabase without touching a database' {
        Push-Location $TestDrive
        try {
            $m = New-CrmMigration -Name add_lead_score
            $m.GetType().FullName | Should -Be 'CrmOps.CrmMigration'
            $m.Version | Should -Match '^\d{14}$'
            $m.State | Should -Be 'Pending'
            Test-Path (Join-Path $TestDrive "supabase/migrations/$($m.Version)_add_lead_score.sql") | Should -BeTrue
            Test-Path (Join-Path $TestDrive "supabase/rollbacks/$($m.Version)_add_lead_score.sql") | Should -BeTrue
            Test-Path (Join-Path $TestDrive "supabase/verify/$($m.Version)_add_lead_score.sql") | Should -BeTrue
            $err = $null
            New-CrmMigration -Name 'Add Lead' -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
            $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.MigrationNameInvalid*'
        }
        finally { Pop-Location }
    }

    It '-BuiltIn resolves to module/migrations under the module root' {
        $folder = Join-Path (Split-Path $script:psd1) 'module/migrations/migrations'
        $onDisk = @(Get-ChildItem $folder -Filter *.sql | Sort-Object Name)
        $onDisk.Count | Should -BeGreaterOrEqual 2
        $onDisk.Name | Should -Be (Get-BuiltInMigrations).FileName
        $m = @(Get-CrmMigration -BuiltIn -ErrorAction Stop)
        $m.FileName | Should -Be $onDisk.Name
        $m.Path | Should -Be $onDisk.FullName
        $m.Name[0..1] | Should -Be @('create_customer_activity_timeline_correct', 'create_lead_scoring_correct') -Because 'the seed''s two corrected migrations come first'
        $m.HasRollback | Should -Not -Contain $false -Because 'every built-in migration has its rollback'
    }

    It 'New-CrmMigration -BuiltIn -WhatIf names the module''s own folder and creates nothing there' {
        $folder = Join-Path (Split-Path $script:psd1) 'module/migrations/migrations'
        $before = @(Get-ChildItem (Split-Path $folder) -Recurse -File).FullName
        $r = Invoke-ChildPwsh -Script 'Import-Module ./CrmOps.psd1; New-CrmMigration -Name add_probe -BuiltIn -WhatIf; "count=" + @(New-CrmMigration -Name add_probe -BuiltIn -WhatIf).Count'
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdOut | Should -Match ('What if: .*Create migration files.*' + [regex]::Escape($folder) + '.*_add_probe\.sql')
        $r.StdOut | Should -Match 'count=0'
        @(Get-ChildItem (Split-Path $folder) -Recurse -File).FullName | Should -Be $before
    }
}

Describe 'PgBouncer in transaction mode' -Tag Migrations, PgBouncer {
    BeforeAll {
        Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
        $script:pgb = Start-TestPgBouncer -ServerPort $script:pgPort -User $script:pgUser
        $script:bouncerPort = $script:pgb.Port
    }
    AfterAll { Stop-TestPgBouncer $script:pgb }

    It 'applies each migration exactly once when three runs go through a transaction-mode pooler' {
        if ($script:pgb.Why) { Set-ItResult -Skipped -Because $script:pgb.Why; return }
        $db = New-TestDb
        Invoke-Sql $db.Name 'create table public.applied_log (migration text not null)' | Out-Null
        foreach ($i in 1..3) {
            Add-Migration $db "2025010100000$i" "m$i" "insert into public.applied_log values ('m$i');`nselect pg_sleep(0.2);`ncreate table public.pooled_$i (id int);" "drop table public.pooled_$i;" | Out-Null
        }
        $cs = "Host=127.0.0.1;Port=$($script:bouncerPort);Username=$($script:pgUser);Database=$($db.Name);Pooler=transaction"
        $script = "Import-Module '$($script:psd1)'; try { Invoke-CrmMigration -Path '$($db.Root)' -Connection '$cs' -LockWait 60 -ErrorAction Stop | Out-Null; exit 0 } catch { [Console]::Error.WriteLine(`$_.Exception.Message); exit 1 }"
        $children = 1..3 | ForEach-Object { Start-Pwsh $script }
        foreach ($c in $children) { $c.WaitForExit(120000) | Should -BeTrue }
        ($children | ForEach-Object { $_.StandardError.ReadToEnd() } | Where-Object { $_ }) | Should -BeNullOrEmpty
        $children.ExitCode | Should -Be @(0, 0, 0)
        (Invoke-Sql $db.Name "select string_agg(migration, ',' order by migration) from public.applied_log") | Should -Be 'm1,m2,m3'
        (Get-CrmMigration -Path $db.Root -Connection $cs).State | Should -Be @('Applied', 'Applied', 'Applied')
        # Undo through the pooler too.
        (Undo-CrmMigration -Path $db.Root -Connection $cs -Confirm:$false -ErrorAction Stop).Status | Should -Be 'RolledBack'
    }
}
