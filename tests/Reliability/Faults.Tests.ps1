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
    $script:sb = Start-CrmSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null
    Update-CrmLeadScore -AsOf 2025-10-15 | Out-Null
    $script:cs = $script:sb.ConnectionString
    $script:timeoutCs = "$($script:cs);Options=-c statement_timeout=1500"
    $script:migDir = Join-Path $TestDrive 'faults'
    foreach ($d in 'migrations', 'rollbacks') { New-Item -ItemType Directory -Force (Join-Path $script:migDir $d) | Out-Null }
    $script:version = 20300101000000

    # Runs $Script in a child and injects $Fault once a CrmOps backend matches $MidWork (SQL condition on pg_stat_activity).
    function Invoke-WithFault([string] $Fault, [string] $Script, [string] $MidWork) {
        $child = Start-CrmChild $Script
        if ($Fault -ne 'statement_timeout') {
            Wait-Until -What "the operation to be mid-work ($MidWork)" -TimeoutSeconds 60 {
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
        $result = Wait-CrmChild $child
        # An orphaned backend (killed client) ends at its next read or write: wait for it.
        Wait-Until -What 'CrmOps backends to end' -TimeoutSeconds 30 { (Get-CrmBackendCount $script:sb) -eq 0 }
        $result
    }
    function Assert-ChildFailedCleanly($Result, [string] $Fault) {
        if ($Fault -eq 'pwsh killed') { $Result.ExitCode | Should -Not -Be 0; return }
        $Result.ExitCode | Should -Be 1 -Because $Result.Output
        $Result.Output | Should -Match '^ERR CrmOps\.\w+,\S+ (ConnectionError|OperationStopped)\b'
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
        Set-Content (Join-Path $script:migDir "migrations/$file") "create table public.${name}_a (id int);`nselect pg_sleep(3);`ncreate table public.${name}_b (id int);"
        Set-Content (Join-Path $script:migDir "rollbacks/$file") "drop table public.${name}_b;`ndrop table public.${name}_a;"
        $before = Get-TestDatabaseState $script:sb
        $r = Invoke-WithFault $Fault "Invoke-CrmMigration -Path '$($script:migDir)' -Connection '$(Get-Conn $Fault)' -Confirm:`$false | Out-Null" "wait_event = 'PgSleep'"
        Assert-ChildFailedCleanly $r $Fault
        (Get-TestDatabaseState $script:sb).Schema | Should -Be $before.Schema -Because 'no partial schema'
        (Get-TestDatabaseState $script:sb).Counts | Should -Be $before.Counts -Because 'no history row'
        Invoke-TestSql $script:sb "select count(*) from crmops.migration_history where version = '$v'" | Should -Be 0
        # The next run, in this session (its pooled connections predate a restart), applies it.
        $res = Invoke-CrmMigration -Path $script:migDir -Confirm:$false -ErrorAction Stop
        $res.Status | Should -Be 'Applied'
        Invoke-TestSql $script:sb "select to_regclass('public.${name}_a') is not null and to_regclass('public.${name}_b') is not null" | Should -Be 't'
    }
}

Describe 'Invoke-CrmTimelineRefresh survives <Fault> mid-refresh' -ForEach $faults -Tag Slow, Reliability, Faults {
    It 'keeps the view readable, logs no success, and the next refresh succeeds' {
        # A competing session holds customer_emails, so the refresh is provably inside its transaction, waiting.
        # 20 s: a child pwsh may take several seconds to start on a loaded machine; a killed child's orphaned refresh then ends soon after.
        $holder = Start-TestSql $script:sb 'begin; lock table public.customer_emails in access exclusive mode; select pg_sleep(20); commit;'
        Wait-Until -What 'the lock holder' { [int](Invoke-TestSql $script:sb "select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'customer_emails' and l.mode = 'AccessExclusiveLock' and l.granted") -gt 0 }
        $succeeded = [int](Invoke-TestSql $script:sb "select count(*) from crmops.refresh_log where status = 'Succeeded'")
        $r = Invoke-WithFault $Fault "Invoke-CrmTimelineRefresh -Connection '$(Get-Conn $Fault)' -LockTimeout 00:00:30 | Out-Null" "wait_event_type = 'Lock' and query ilike 'REFRESH%'"
        if (-not $holder.HasExited) { Invoke-TestSql $script:sb "select pg_terminate_backend(pid) from pg_stat_activity where query like '%lock table public.customer_emails%' and pid <> pg_backend_pid()" | Out-Null }
        $holder.WaitForExit(10000) | Out-Null
        Assert-ChildFailedCleanly $r $Fault
        Invoke-TestSql $script:sb 'select count(*) from public.customer_activity_timeline' | Should -Be 11825
        [int](Invoke-TestSql $script:sb "select count(*) from crmops.refresh_log where status = 'Succeeded'") | Should -Be $succeeded
        (Invoke-CrmTimelineRefresh -ErrorAction Stop).Status | Should -Be 'Succeeded'
    }
}

Describe 'Update-CrmLeadScore survives <Fault> mid-batch' -ForEach $faults -Tag Slow, Reliability, Faults {
    BeforeAll {
        # A statement-level trigger that sleeps after the batch's UPDATE: rows written, not committed.
        Invoke-TestSql $script:sb @'
create or replace function public.reliability_slow() returns trigger language plpgsql as $$ begin perform pg_sleep(3); return null; end $$;
create or replace trigger zz_reliability_slow after update on public.customer_profiles for each statement execute function public.reliability_slow();
'@ | Out-Null
    }
    AfterAll { Invoke-TestSql $script:sb 'drop trigger if exists zz_reliability_slow on public.customer_profiles; drop function if exists public.reliability_slow();' | Out-Null }

    It 'keeps every score old, records no run, and the next run makes them all new' {
        $lastAsOf = Invoke-TestSql $script:sb "select to_char(max(as_of) filter (where id = (select max(id) from crmops.scoring_runs)) at time zone 'UTC', 'YYYY-MM-DD') from crmops.scoring_runs"
        $asOf = if ($lastAsOf -eq '2025-10-15') { '2026-01-15' } else { '2025-10-15' }
        $old = Get-ScoreDigest $script:sb
        $runs = [int](Invoke-TestSql $script:sb 'select count(*) from crmops.scoring_runs')
        (Get-ExpectedScoreDigest $script:sb $asOf) | Should -Not -Be (Get-ActualScoreDigest $script:sb) -Because 'the run must have something to change'
        $r = Invoke-WithFault $Fault "Update-CrmLeadScore -Connection '$(Get-Conn $Fault)' -AsOf $asOf -Full | Out-Null" "wait_event = 'PgSleep'"
        Assert-ChildFailedCleanly $r $Fault
        Get-ScoreDigest $script:sb | Should -Be $old -Because 'all old for the batch'
        [int](Invoke-TestSql $script:sb 'select count(*) from crmops.scoring_runs') | Should -Be $runs
        $res = Update-CrmLeadScore -AsOf $asOf -Full -ErrorAction Stop
        $res.Changed | Should -BeGreaterThan 0
        Get-ActualScoreDigest $script:sb | Should -Be (Get-ExpectedScoreDigest $script:sb $asOf) -Because 'all new after the next run'
    }
}

Describe 'Connection loss before work starts' -Tag Slow, Reliability, Faults {
    It 'is retried with backoff when the server comes back within the retry window' {
        Invoke-PgCtl $script:sb @('-m', 'fast', '-w', 'stop')
        $log = Join-Path (Split-Path $script:sb.DataDirectory) 'server.log'
        $start = "'$(Get-PgCtl)' -D '$($script:sb.DataDirectory)' -l '$log' -w $(Get-StartOptions $script:sb) start >>'$log' 2>&1"
        if ((id -u) -eq '0') { $start = "runuser -u postgres -- '$(Get-PgCtl)' -D '$($script:sb.DataDirectory)' -l '$log' -w $(Get-StartOptions $script:sb) start >>'$log' 2>&1" }
        $bg = Start-Process sh -ArgumentList '-c', "`"$start`"" -PassThru
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $count = Get-CrmRowCount customer_profiles -Exact -Connection $script:cs -ErrorAction Stop
        $sw.Stop()
        $bg.WaitForExit(20000) | Out-Null
        $count.Rows | Should -Be 9369
        Invoke-TestSql $script:sb 'select 1' | Should -Be 1 -Because 'the server is back on its own port'
        $sw.Elapsed.TotalMilliseconds | Should -BeGreaterThan 150 -Because 'the first attempt met a stopped server and was retried after a backoff'
    }
    It 'fails after a bounded number of attempts with an error naming host and port' {
        Invoke-PgCtl $script:sb @('-m', 'fast', '-w', 'stop')
        try {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            { Get-CrmRowCount customer_profiles -Connection $script:cs -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ConnectionUnreachable*' -ExpectedMessage "*127.0.0.1:$($script:sb.Port)*"
            $sw.Elapsed.TotalSeconds | Should -BeLessThan 10
        }
        finally { Start-TestServer $script:sb }
    }
}
