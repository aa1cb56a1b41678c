# Helpers shared by CrmOps' Pester tests. Verification goes through psql, not through the module
# under test, so that a test checks CrmOps against an independent view of the database.

function Get-RepoRoot { Split-Path (Split-Path $PSScriptRoot) }

# The sandbox shape this run tests against: 'Supabase' when CRMOPS_TEST_SHAPE says so (build.ps1 Test's second
# pass, tests/Invoke-PesterSuite.ps1 -Shape Supabase), else 'PostgreSQL'.
function Get-TestShape { if ($env:CRMOPS_TEST_SHAPE -eq 'Supabase') { 'Supabase' } else { 'PostgreSQL' } }

# The suites' sandbox factory: Start-CrmSandbox with the shape of this run. In the Supabase shape the session
# default connects as the non-superuser postgres through the transaction pooler (as an application does on port
# 6543), unless -Direct; psql (the tests' oracle) always goes straight to the server.
function Start-TestSandbox {
    param([switch] $Empty, [switch] $NoDefault, [switch] $Direct, [int] $Customers = 0)
    $p = @{ NoDefault = $true }
    if ($Empty) { $p.Empty = $true }
    if ($Customers -gt 0) { $p.Customers = $Customers }
    if ((Get-TestShape) -eq 'Supabase') {
        $p.Supabase = $true
        # The shared suites' throwaway tables in public have no row level security: on a Supabase-shaped database the
        # lint refuses them (table-without-rls, tested in Supabase.Tests.ps1 and Lint.Tests.ps1), so this pass excludes
        # that rule as a project would (CRMOPS_LINT_EXCLUDE); every other rule still applies.
        $env:CRMOPS_LINT_EXCLUDE = 'table-without-rls'
    }
    $sb = Start-CrmSandbox @p
    if (-not $NoDefault) {
        $cs = if ($sb.Supabase -and $sb.PoolerConnectionString -and -not $Direct) { $sb.PoolerConnectionString } else { $sb.ConnectionString }
        Connect-CrmDatabase $cs | Out-Null
    }
    $sb
}

# The built-in migration files on disk (module/migrations/migrations), oldest first, with Version and Name as the file
# name gives them: tests that count or name the built-in set read it here, so a new built-in migration changes no test.
function Get-BuiltInMigrations {
    $folder = Join-Path $PSScriptRoot '../../module/migrations/migrations'
    @(Get-ChildItem $folder -Filter *.sql | Sort-Object Name | ForEach-Object {
            $null = $_.Name -match '^([0-9]+)_(.*)\.sql$'
            [pscustomobject]@{ Version = $Matches[1]; Name = $Matches[2]; FileName = $_.Name; FullName = $_.FullName }
        })
}

# Test-CrmDatabase's results that must pass on a test sandbox. On the Supabase shape the sample CRM's own tables in
# public have no row level security while Supabase's default privileges expose them to the API roles: the advisory
# checks rightly fail there (rls_disabled_in_public, asserted), so they are left out of "everything passes".
function Select-ChecksThatMustPass {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $Checks)
    if (-not $Sandbox.Supabase) { return $Checks }
    $error1 = @($Checks | Where-Object Check -eq 'AdvisoryError')
    if ($error1.Count -and -not $error1[0].Passed -and $error1[0].Message -notmatch 'rls_disabled_in_public public\.customer_profiles') {
        throw "AdvisoryError on the Supabase-shaped sample CRM fails for another reason than its tables without RLS: $($error1[0].Message)"
    }
    @($Checks | Where-Object Check -notlike 'Advisory*')
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

# The command line that starts a child pwsh the same way this one was started (dotnet tool or installed).
function Get-PwshCommand {
    $proc = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($proc) -eq 'dotnet') { return @($proc, (Join-Path $PSHOME 'pwsh.dll')) }
    @($proc)
}

# Runs a script in a new pwsh -NoProfile; returns stdout, stderr and the exit code. An $Environment
# value of $null removes that variable from the child's environment.
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 120)
    $cmd = Get-PwshCommand
    $psi = [System.Diagnostics.ProcessStartInfo]::new($cmd[0])
    foreach ($a in ($cmd | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Script) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $psi.WorkingDirectory = Get-RepoRoot
    foreach ($k in $Environment.Keys) {
        if ($null -eq $Environment[$k]) { [void] $psi.Environment.Remove($k) } else { $psi.Environment[$k] = [string] $Environment[$k] }
    }
    $p = [System.Diagnostics.Process]::Start($psi)
    $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill($true); throw "Child pwsh timed out after $TimeoutSeconds s." }
    [pscustomobject]@{ ExitCode = $p.ExitCode; StdOut = $out.Result; StdErr = $err.Result; ProcessId = $p.Id }
}

# True while a process runs. A zombie (exited, not yet reaped: containers whose PID 1 does not
# reap orphans keep them) counts as gone.
function Test-ProcessAlive {
    param([Parameter(Mandatory)] [int] $Id)
    if ($IsLinux) {
        $stat = Get-Content "/proc/$Id/stat" -Raw -ErrorAction Ignore
        if (-not $stat) { return $false }
        $state = $stat.Substring($stat.LastIndexOf(')') + 2, 1)
        return $state -notin 'Z', 'X'
    }
    [bool](Get-Process -Id $Id -ErrorAction Ignore)
}

# Polls until $Condition returns true; throws after the timeout. Tests wait for a condition this
# way, never for a guessed time.
function Wait-Until {
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSeconds = 30, [string] $What = 'condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (& $Condition) { return }
        Start-Sleep -Milliseconds 100
    }
    throw "timed out after $TimeoutSeconds s waiting for $What"
}

# What a sandbox's server wrote to its log (server.log) from byte $From on.
function Get-ServerLog {
    param([Parameter(Mandatory)] $Sandbox, [long] $From = 0)
    $log = Join-Path (Split-Path $Sandbox.DataDirectory) 'server.log'
    $fs = [IO.File]::Open($log, 'Open', 'Read', 'ReadWrite')
    try { $fs.Position = [Math]::Min($From, $fs.Length); [IO.StreamReader]::new($fs).ReadToEnd() } finally { $fs.Dispose() }
}
function Get-ServerLogLength {
    param([Parameter(Mandatory)] $Sandbox)
    (Get-Item (Join-Path (Split-Path $Sandbox.DataDirectory) 'server.log')).Length
}

function Get-Psql {
    $psql = Get-Command psql -ErrorAction SilentlyContinue
    if ($psql) { return $psql.Source }
    $found = Get-ChildItem '/usr/lib/postgresql/*/bin/psql' -ErrorAction SilentlyContinue | Select-Object -Last 1
    if ($found) { return $found.FullName }
    throw 'psql not found'
}

# Runs SQL through psql against a sandbox (or any keyword connection string); returns the rows as
# strings (tab-separated fields, unaligned, no headers).
function Invoke-TestSql {
    param(
        [Parameter(Mandatory)] $Sandbox,
        [Parameter(Mandatory)] [string] $Sql,
        [string] $Database,
        [string] $User = 'postgres',
        [string] $Password
    )
    $port = if ($Sandbox -is [int]) { $Sandbox } else { $Sandbox.Port }
    if (-not $Database) { $Database = if ($Sandbox -is [int]) { 'crm' } else { $Sandbox.Database } }
    $env:PGPASSWORD = $Password
    try {
        $out = $Sql | & (Get-Psql) -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $port -U $User -d $Database -tA -F "`t" -f - 2>&1
        if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
        $out | Where-Object { $_ -ne '' }
    }
    finally { Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue }
}

# Starts psql in the background on a sandbox (to hold locks, run a competing statement...). Returns the Process.
function Start-TestSql {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Sql, [string] $User = 'postgres')
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-Psql))
    foreach ($a in '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', "$($Sandbox.Port)", '-U', $User, '-d', $Sandbox.Database, '-c', $Sql) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    [System.Diagnostics.Process]::Start($psi)
}

# A real PgBouncer in transaction mode (as Supabase's pooler on port 6543) in front of a server, on a
# free port. Returns Port, Directory (holds pgbouncer.log), Process, and Why: set, with the reason,
# when pgbouncer is missing or did not start (the caller skips then). Stop-TestPgBouncer ends it.
# $env:CRMOPS_PGBOUNCER names the binary instead of PATH and /usr/sbin (the self-test points it at
# nothing to play a machine without pgbouncer). In CI (CI=true) a missing pgbouncer throws instead:
# .ci/run installs it, so its absence is a failure there, never fewer tests passing.
function Start-TestPgBouncer {
    param([Parameter(Mandatory)] [int] $ServerPort, [string] $User = 'postgres', [int] $PoolSize = 4)
    $b = [pscustomobject]@{ Port = 0; Directory = $null; Process = $null; Why = $null }
    $path = if ($null -ne $env:CRMOPS_PGBOUNCER) { $env:CRMOPS_PGBOUNCER } else { (Get-Command pgbouncer -ErrorAction Ignore).Source }
    if ($null -eq $env:CRMOPS_PGBOUNCER -and -not $path -and (Test-Path /usr/sbin/pgbouncer)) { $path = '/usr/sbin/pgbouncer' }
    if (-not $path -or -not (Test-Path $path -PathType Leaf)) {
        $b.Why = 'pgbouncer is not installed (apt-get install -y pgbouncer)'
        if ($env:CI -eq 'true') { throw "$($b.Why). CI=true: .ci/run installs pgbouncer, so a missing one fails these tests instead of skipping them." }
        return $b
    }
    if ($IsWindows) { $b.Why = 'the PgBouncer tests run on Linux only'; return $b }
    $b.Directory = Join-Path ([IO.Path]::GetTempPath()) ('crmops-pgb-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $b.Directory | Out-Null
    $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $b.Port = $l.LocalEndpoint.Port; $l.Stop()
    Set-Content (Join-Path $b.Directory 'userlist.txt') "`"$User`" `"`""
    Set-Content (Join-Path $b.Directory 'pgbouncer.ini') @"
[databases]
* = host=127.0.0.1 port=$ServerPort
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $($b.Port)
unix_socket_dir =
auth_type = trust
auth_file = $($b.Directory)/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = $PoolSize
logfile = $($b.Directory)/pgbouncer.log
ignore_startup_parameters = extra_float_digits,options
"@
    $arguments = @((Join-Path $b.Directory 'pgbouncer.ini'))
    if ((id -u) -eq '0') { & chown -R postgres $b.Directory; $arguments = @('-u', 'postgres') + $arguments } # pgbouncer refuses to run as root
    $psi = [Diagnostics.ProcessStartInfo]::new($path)
    foreach ($a in $arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false; $psi.RedirectStandardError = $true; $psi.RedirectStandardOutput = $true
    $b.Process = [Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while ([DateTime]::UtcNow -lt $deadline) {
        try { $c = [Net.Sockets.TcpClient]::new('127.0.0.1', $b.Port); $c.Dispose(); return $b } catch { Start-Sleep -Milliseconds 100 }
    }
    $b.Why = "pgbouncer did not start: $(Get-Content (Join-Path $b.Directory 'pgbouncer.log') -Raw -ErrorAction Ignore)"
    if ($env:CI -eq 'true') { Stop-TestPgBouncer $b; throw $b.Why }
    $b
}

function Stop-TestPgBouncer {
    param($Bouncer)
    if (-not $Bouncer) { return }
    if ($Bouncer.Process -and -not $Bouncer.Process.HasExited) { $Bouncer.Process.Kill(); $Bouncer.Process.WaitForExit(5000) | Out-Null }
    if ($Bouncer.Directory) { Remove-Item $Bouncer.Directory -Recurse -Force -ErrorAction Ignore }
}

# What Supabase's CLI would do with a project folder and a database, reproduced from its source (supabase/cli,
# apps/cli-go): the local list (pkg/migration/list.go:33 ListLocalMigrations: fs.ReadDir's entries in byte order of
# their names, directories skipped, a first <timestamp before 20211209000000>_init.sql skipped (list.go:45, :67),
# names not matching ^([0-9]+)_(.*)\.sql$ (file.go:30) skipped), the remote list (list.go:19 ListRemoteMigrations:
# "SELECT version FROM supabase_migrations.schema_migrations ORDER BY version" (history.go:24); an undefined table,
# SQLSTATE 42P01, means none), and `db push`'s check (pkg/migration/apply.go:21 FindPendingMigrations, line for line).
function Get-CliLocalMigrations {
    param([Parameter(Mandatory)] [string] $MigrationsDir)
    if (-not (Test-Path $MigrationsDir)) { return @() }
    $names = [string[]] @(Get-ChildItem -LiteralPath $MigrationsDir -Force | ForEach-Object Name)
    [Array]::Sort($names, [StringComparer]::Ordinal)
    $clean = [Collections.Generic.List[string]]::new()
    for ($i = 0; $i -lt $names.Count; $i++) {
        $name = $names[$i]
        if (Test-Path -LiteralPath (Join-Path $MigrationsDir $name) -PathType Container) { continue }
        if ($i -eq 0 -and $name -cmatch '([0-9]{14})_init\.sql' -and [uint64] $Matches[1] -lt 20211209000000) { continue }
        if ($name -cnotmatch '^([0-9]+)_(.*)\.sql$') { continue }
        $clean.Add($name)
    }
    , $clean.ToArray()
}

function Get-CliRemoteMigrations {
    param([Parameter(Mandatory)] $Sandbox, [string] $Database)
    $p = @{ Sandbox = $Sandbox; Sql = 'SELECT version FROM supabase_migrations.schema_migrations ORDER BY version' }
    if ($Database) { $p.Database = $Database }
    try { , [string[]] @(Invoke-TestSql @p) }
    catch { if ("$_" -match 'does not exist') { , [string[]] @() } else { throw } }
}

# apply.go:21-54. Returns Error (ErrMissingLocal / ErrMissingRemote text or $null), Missing, Unapplied and Pending.
function Find-CliPendingMigration {
    param([string[]] $Local = @(), [string[]] $Remote = @())
    $unapplied = [Collections.Generic.List[string]]::new(); $missing = [Collections.Generic.List[string]]::new()
    $i = 0; $j = 0
    while ($i -lt $Remote.Count -and $j -lt $Local.Count) {
        $remoteVersion = $Remote[$i]   # (PowerShell's names ignore case: not $remote, which is $Remote)
        $null = $Local[$j] -cmatch '^([0-9]+)_(.*)\.sql$'; $localVersion = $Matches[1]
        if ($remoteVersion -ceq $localVersion) { $j++; $i++ }
        elseif ([string]::CompareOrdinal($remoteVersion, $localVersion) -lt 0) { $missing.Add($remoteVersion); $i++ }
        else { $unapplied.Add($Local[$j]); $j++ }
    }
    if ($j -eq $Local.Count) { for (; $i -lt $Remote.Count; $i++) { $missing.Add($Remote[$i]) } }
    $result = [pscustomobject]@{ Error = $null; Missing = $missing.ToArray(); Unapplied = $unapplied.ToArray(); Pending = @() }
    if ($missing.Count -gt 0) { $result.Error = 'Remote migration versions not found in local migrations directory.' }
    elseif ($unapplied.Count -gt 0) { $result.Error = 'Found local migration files to be inserted before the last migration on remote database.' }
    else { $result.Pending = @($Local | Select-Object -Skip $Remote.Count) }
    $result
}

# `supabase db push --dry-run`'s verdict for a project folder (the folder that holds migrations/) against a database.
function Test-CliPush {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Path, [string] $Database)
    Find-CliPendingMigration -Local (Get-CliLocalMigrations (Join-Path $Path 'migrations')) -Remote (Get-CliRemoteMigrations $Sandbox -Database $Database)
}

# A schema fingerprint, row counts, a digest of every row, and both migration ledgers, independent of CrmOps: to prove
# that bad input changed nothing (or exactly what its message says). One psql call: each line is a tag and a value.
function Get-TestDatabaseState {
    param([Parameter(Mandatory)] $Sandbox)
    $sql = @'
select 'S|' || coalesce(string_agg(x, chr(31) order by x), '') from (
  select format('%s.%s %s', n.nspname, c.relname, c.relkind) as x
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname not in ('pg_catalog','information_schema','pg_toast')
  union all
  select format('%s.%s.%s %s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod))
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
   where a.attnum > 0 and not a.attisdropped and n.nspname not in ('pg_catalog','information_schema','pg_toast')
  union all
  select format('fn %s.%s', n.nspname, p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname not in ('pg_catalog','information_schema')
  union all
  select format('trg %s', tgname) from pg_trigger where not tgisinternal
) s;
select 'C|' || coalesce(string_agg(format('%s.%s=%s', table_schema, table_name,
       (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', table_schema, table_name), false, true, '')))[1]::text), ','
       order by table_schema, table_name), '')
  from information_schema.tables
 where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema');
-- Data: a digest of every table's and populated materialized view's rows, independent of their order (the sum of each
-- row's 64-bit hash): an UPDATE that keeps the row count shows.
select 'D|' || coalesce(string_agg(format('%s.%s=%s', n.nspname, c.relname,
       (xpath('/row/h/text()', query_to_xml(format('select coalesce(sum(hashtextextended(t::text, 0)), 0) as h from %I.%I t', n.nspname, c.relname), false, true, '')))[1]::text), ','
       order by n.nspname, c.relname), '')
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p', 'm') and (c.relkind <> 'm' or c.relispopulated)
   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%';
-- Both ledgers, readable: CrmOps' history (one entry per row, in order) and Supabase's versions ('' when absent).
-- CrmOps' history is supabase_migrations.crmops_migration_history (crmops.migration_history before an older one is moved).
select 'H|' || coalesce((select coalesce((xpath('/row/h/text()', query_to_xml(
         format('select string_agg(format(''%%s %%s %%s %%s %%s'', version, direction, case when success then ''ok'' else ''failed'' end, mode, case when transactional then ''tx'' else ''no-tx'' end), '' | '' order by id) as h from %s', t),
         false, true, '')))[1]::text, '')
  from (select coalesce(to_regclass('supabase_migrations.crmops_migration_history'), to_regclass('crmops.migration_history')) as t) x
 where t is not null), '');
select 'L|' || case when to_regclass('supabase_migrations.schema_migrations') is null then '' else coalesce((xpath('/row/h/text()', query_to_xml(
         'select string_agg(version::text, '','' order by version) as h from supabase_migrations.schema_migrations', false, true, '')))[1]::text, '') end;
'@
    $parts = @{}
    foreach ($line in Invoke-TestSql $Sandbox $sql) { if ($line -match '^([SCDHL])\|(.*)$') { $parts[$Matches[1]] = $Matches[2] } }
    foreach ($k in 'S', 'C', 'D', 'H', 'L') { if (-not $parts.ContainsKey($k)) { throw "Get-TestDatabaseState: no '$k' line from psql" } }
    [pscustomobject]@{
        Schema = $parts.S.Replace([string][char]31, "`n"); Counts = $parts.C; Data = $parts.D; History = $parts.H; Ledger = $parts.L
    }
}

# Supabase's API roles and default privileges on a vanilla sandbox (what Supabase's init scripts do; the same three
# 'alter default privileges in schema public' lines as supabase/realtime dev/postgres/00-setup.sql): anon and
# authenticated (nologin noinherit), service_role (bypassrls), authenticator (login, member of the three), USAGE on
# public, and ALL on new tables, functions and sequences in public for the three API roles when the sandbox's
# owner (postgres) creates them. -GrantExisting also grants ALL on the tables that exist now (as on a Supabase
# project whose tables were created through the dashboard). Roles are cluster-wide; the default privileges belong to
# the database given. Idempotent.
function Add-TestSupabaseRoles {
    param([Parameter(Mandatory)] $Sandbox, [string] $Database, [switch] $GrantExisting)
    $sql = @"
do `$`$
begin
    if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
    if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
    if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
    if not exists (select 1 from pg_roles where rolname = 'authenticator') then create role authenticator login noinherit; end if;
end
`$`$;
grant anon, authenticated, service_role to authenticator;
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to anon, authenticated, service_role;
"@
    if ($GrantExisting) { $sql += "`ngrant all on all tables in schema public to anon, authenticated, service_role;" }
    $arguments = @{ Sandbox = $Sandbox; Sql = $sql }
    if ($Database) { $arguments.Database = $Database }
    Invoke-TestSql @arguments | Out-Null
}

Export-ModuleMember -Function *
