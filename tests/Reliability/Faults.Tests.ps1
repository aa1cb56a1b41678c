#requires -Version 7.4
# Issue 8.1: faults in the middle of the three changing operations. Each case starts the operation in
# a child pwsh, waits until it is provably mid-work (inside its transaction, sleeping or waiting),
# injects the fault, then checks: no partial schema, no history/log row claiming success, the
# timeline still readable, scores all old, and the next run succeeding without repair.
BeforeDiscovery {
    $script:faults = @(
        @{ Fault = 'server restart' }, @{ Fault = 'pwsh killed' }, @{ Fault = 'pg_terminate_backend' }, @{ Fault = 'statement_timeout' }
    )
}

BeforeAll {
    Import-Module "$PSScriptRoot/ReliabilityHelpers.psm1" -Force
    Import-Module (Get-ModulePath) -Force
    $script:sb = Start-TestSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null
    Update-CrmLeadScore -AsOf 2025-10-15 | Out-Null
    $script:cs = $script:sb.ConnectionString
    $script:timeoutCs = "$($script:cs);Options=-c statement_timeout=1500"
    $script:migDir = Join-Path $TestDrive 'faults'
    foreach ($d in 'migrations', 'rollbacks') { New-Item -ItemType Directory -Force (Join-Path $script:migDir $d) | Out-Null }
    $script:version = 20300101000000

    # Runs $Script in a child and injects $Fault once a CrmOps backend matches $MidWork (SQL condition on pg_stat_activity).
    # $Release (optional) ends whatever keeps the operation mid-work: run right after the fault (after the child's end
    # for statement_timeout, whose fault is the wait itself).
    function Invoke-WithFault([string] $Fault, [string] $Script, [string] $MidWork, [scriptblock] $Release) {
        $child = Start-CrmChild $Script
        if ($Fault -ne 'statement_timeout') {
            Wait-Until -What "the operation to be mid-work ($MidWork)" -TimeoutSeconds 120 {
                [int](Invoke-TestSql $script:sb "select count(*) from pg_stat_activity where application_name = 'CrmOps' and $MidWork") -gt 0
            }
        }
        switch ($Fault) {
            'server restart' { Restart-TestServer $script:sb }
            'pwsh killed' { $child.Kill($true) }
            'pg_terminate_backend' {
                Invoke-TestSql $script:sb "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'CrmOps' and $MidWork" | Out-Null
            }
        }
        if ($Release -and $Fault -ne 'statement_timeout') { & $Release }
        $result = Wait-CrmChild $child
        if ($Release) { & $Release }
        # An orphaned backend (killed client) ends at its next read or write: wait for it.
        Wait-Until -What 'CrmOps backends to end' -TimeoutSeconds 30 { (Get-CrmBackendCount $script:sb) -eq 0 }
        $result
    }
    function Assert-ChildFailedCleanly($Result, [string] $Fault) {
        if ($Fault -eq 'pwsh killed') { $Result.ExitCode | Should -Not -Be 0; return }
        $Result.ExitCode | Should -Be 1 -Because $Result.Output
        # (warnings may come first)
        $Result.Output | Should -Match '(?m)^ERR CrmOps\.\w+,\S+ (ConnectionError|OperationStopped)\b'
        $Result.Output | Should -Not -Match '   at |Exception:'
    }
    function Get-Conn([string] $Fault) { if ($Fault -eq 'statement_timeout') { $script:timeoutCs } else { $script:cs } }
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Invoke-CrmMigration survives <Fault> mid-migration' -ForEach $faults -Tag Slow, Reliability, Faults {
    It 'leaves no partial schema and no history row, and the next run applies it' {
        $script:version++
        $v = $script:version
        $name = "fault_$v"
        $file = "${v}_$name.sql"
        # Between its two statements the migration waits at the test's gate: provably mid-migration.
        Set-Content (Join-Path $script:migDir "migrations/$file") "create table public.${name}_a (id int);`nselect pg_advisory_xact_lock_shared(4242);`ncreate table public.${name}_b (id int);"
        Set-Content (Join-Path $script:migDir "rollbacks/$file") "drop table public.${name}_b;`ndrop table public.${name}_a;"
        $before = Get-TestDatabaseState $script:sb
        $gate = Close-TestGate $script:sb
        $r = Invoke-WithFault $Fault "Invoke-CrmMigration -Path '$($script:migDir)' -Connection '$(Get-Conn $Fault)' -Confirm:`$false | Out-Null" (Get-AtGateCondition) { Open-TestGate $script:sb $gate }
        Assert-ChildFailedCleanly $r $Fault
        (Get-TestDatabaseState $script:sb).Schema | Should -Be $before.Schema -Because 'no partial schema'
        (Get-TestDatabaseState $script:sb).Counts | Should -Be $before.Counts -Because 'no history row'
        Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_migration_history where version = '$v'" | Should -Be 0
        # The next run, in this session (its pooled connections predate a restart), applies it.
        $res = Invoke-CrmMigration -Path $script:migDir -Confirm:$false -ErrorAction Stop
        $res.Status | Should -Be 'Applied'
        Invoke-TestSql $script:sb "select to_regclass('public.${name}_a') is not null and to_regclass('public.${name}_b') is not null" | Should -Be 't'
    }
}

Describe 'Invoke-CrmTimelineRefresh survives <Fault> mid-refresh' -ForEach $faults -Tag Slow, Reliability, Faults {
    It 'keeps the view readable, logs no success, and the next refresh succeeds' {
        # A competing session holds customer_emails (until released), so the refresh is provably inside its transaction, waiting.
        $holder = Start-TestSql $script:sb 'begin; lock table public.customer_emails in access exclusive mode; select pg_sleep(300); commit;'
        Wait-Until -What 'the lock holder' { [int](Invoke-TestSql $script:sb "select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'customer_emails' and l.mode = 'AccessExclusiveLock' and l.granted") -gt 0 }
        $succeeded = [int](Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_refresh_log where status = 'Succeeded'")
        $release = {
            Invoke-TestSql $script:sb "select pg_terminate_backend(pid) from pg_stat_activity where query like '%lock table public.customer_emails%' and pid <> pg_backend_pid()" | Out-Null
            $holder.WaitForExit(10000) | Out-Null
        }
        $r = Invoke-WithFault $Fault "Invoke-CrmTimelineRefresh -Connection '$(Get-Conn $Fault)' -LockTimeout 00:00:30 | Out-Null" "wait_event_type = 'Lock' and query ilike 'REFRESH%'" $release
        Assert-ChildFailedCleanly $r $Fault
        Invoke-TestSql $script:sb 'select count(*) from public.customer_activity_timeline' | Should -Be 11825
        [int](Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_refresh_log where status = 'Succeeded'") | Should -Be $succeeded
        (Invoke-CrmTimelineRefresh -ErrorAction Stop).Status | Should -Be 'Succeeded'
    }
}

Describe 'Update-CrmLeadScore survives <Fault> mid-batch' -ForEach $faults -Tag Slow, Reliability, Faults {
    BeforeAll {
        # A statement-level trigger that waits at the test's gate after the batch's UPDATE: rows written, not committed.
        # It polls the gate instead of waiting for its lock: a role that may not set deadlock_timeout (the Supabase shape)
        # scores with 50 ms lock waits and retries, so a lock wait would not hold it at the gate.
        Invoke-TestSql $script:sb @'
create or replace function public.reliability_slow() returns trigger language plpgsql as $$ begin while not pg_try_advisory_xact_lock_shared(4242) loop perform pg_sleep(0.02); end loop; return null; end $$;
create or replace trigger zz_reliability_slow after update on public.customer_profiles for each statement execute function public.reliability_slow();
'@ | Out-Null
    }
    AfterAll { Invoke-TestSql $script:sb 'drop trigger if exists zz_reliability_slow on public.customer_profiles; drop function if exists public.reliability_slow();' | Out-Null }

    It 'keeps every score old, records no run, and the next run makes them all new' {
        $lastAsOf = Invoke-TestSql $script:sb "select to_char(max(as_of) filter (where id = (select max(id) from supabase_migrations.crmops_scoring_runs)) at time zone 'UTC', 'YYYY-MM-DD') from supabase_migrations.crmops_scoring_runs"
        # Two days within 90 days of the newest order (2025-10-13): no 'far after the data' warning in the child's output.
        $asOf = if ($lastAsOf -eq '2025-10-15') { '2025-12-15' } else { '2025-10-15' }
        $old = Get-ScoreDigest $script:sb
        $runs = [int](Invoke-TestSql $script:sb 'select count(*) from supabase_migrations.crmops_scoring_runs')
        (Get-ExpectedScoreDigest $script:sb $asOf) | Should -Not -Be (Get-ActualScoreDigest $script:sb) -Because 'the run must have something to change'
        $gate = Close-TestGate $script:sb
        $r = Invoke-WithFault $Fault "Update-CrmLeadScore -Connection '$(Get-Conn $Fault)' -AsOf $asOf -Full | Out-Null" "wait_event = 'PgSleep'" { Open-TestGate $script:sb $gate }
        Assert-ChildFailedCleanly $r $Fault
        Get-ScoreDigest $script:sb | Should -Be $old -Because 'all old for the batch'
        [int](Invoke-TestSql $script:sb 'select count(*) from supabase_migrations.crmops_scoring_runs') | Should -Be $runs
        $res = Update-CrmLeadScore -AsOf $asOf -Full -ErrorAction Stop
        $res.Changed | Should -BeGreaterThan 0
        Get-ActualScoreDigest $script:sb | Should -Be (Get-ExpectedScoreDigest $script:sb $asOf) -Because 'all new after the next run'
    }
}

Describe 'Connection loss before work starts' -Tag Slow, Reliability, Faults {
    BeforeAll {
        # While the server is stopped, a listener of the test's own on its port accepts each connection
        # attempt and hangs up at once: the attempts are counted here, not guessed from a clock.
        function Start-Impostor { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, $script:sb.Port); $l.Start(); $l }
        function Receive-Attempt($Listener, $Child) {
            $accept = $Listener.AcceptTcpClientAsync()
            while (-not $accept.IsCompleted -and -not $Child.HasExited) { [void] $accept.Wait(100) }
            if ($accept.IsCompleted -and -not $accept.IsFaulted) { $accept.Result.Dispose(); return $true }
            $false
        }
    }

    It 'is retried when its first attempt fails and the server comes back within the retry window' {
        Invoke-PgCtl $script:sb @('-m', 'fast', '-w', 'stop')
        $impostor = Start-Impostor
        try {
            $child = Start-CrmChild "`$c = Get-CrmRowCount customer_profiles -Exact -Connection '$($script:cs)'; 'rows ' + `$c.Rows"
            Receive-Attempt $impostor $child | Should -BeTrue -Because 'the command tried to connect while the server was away'
        }
        finally { $impostor.Stop() }
        Start-TestServer $script:sb
        $r = Wait-CrmChild $child
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'rows 9369' -Because 'a later attempt reached the server again'
        Invoke-TestSql $script:sb 'select 1' | Should -Be 1 -Because 'the server is back on its own port'
    }

    It 'gives up after a bounded number of attempts with an error naming host and port' {
        Invoke-PgCtl $script:sb @('-m', 'fast', '-w', 'stop')
        try {
            $impostor = Start-Impostor
            try {
                $child = Start-CrmChild "Get-CrmRowCount customer_profiles -Connection '$($script:cs)' | Out-Null"
                $attempts = 0
                while (Receive-Attempt $impostor $child) { $attempts++ }
            }
            finally { $impostor.Stop() }
            $r = Wait-CrmChild $child
            $r.ExitCode | Should -Be 1
            $r.Output | Should -Match "^ERR CrmOps\.Connection\w+,\S+ \w+ .*127\.0\.0\.1:$($script:sb.Port)"
            $attempts | Should -BeGreaterThan 1 -Because 'it retried'
            $attempts | Should -BeLessOrEqual 10 -Because 'it gave up'
            # With nothing listening at all: refused, the same way.
            { Get-CrmRowCount customer_profiles -Connection $script:cs -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ConnectionUnreachable*' -ExpectedMessage "*127.0.0.1:$($script:sb.Port)*"
        }
        finally { Start-TestServer $script:sb }
    }
}
