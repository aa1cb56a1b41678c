#requires -Version 7.4
# Issue 8.2: concurrency. Concurrent migration runs and refreshes, scoring under a concurrent writer,
# and readers of the timeline during a refresh.
BeforeAll {
    Import-Module "$PSScriptRoot/ReliabilityHelpers.psm1" -Force
    Import-Module (Get-ModulePath) -Force
    $script:sb = Start-TestSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null
    Update-CrmLeadScore -AsOf 2025-10-15 | Out-Null
    $script:cs = $script:sb.ConnectionString
    # Readers give up on a lock after 5 s instead of hanging: a blocked read is a failure, not a slow test.
    $script:readerCs = "$($script:cs);Options=-c lock_timeout=5000"
    $script:refreshWaiting = "select count(*) from pg_stat_activity where application_name = 'CrmOps' and wait_event_type = 'Lock' and query ilike 'REFRESH%'"
    function Lock-Emails([int] $Seconds) {
        $p = Start-TestSql $script:sb "begin; lock table public.customer_emails in access exclusive mode; select pg_sleep($Seconds); commit;"
        Wait-Until -What 'the lock holder' { [int](Invoke-TestSql $script:sb "select count(*) from pg_locks l join pg_class c on c.oid = l.relation where c.relname = 'customer_emails' and l.mode = 'AccessExclusiveLock' and l.granted") -gt 0 }
        $p
    }
    function Stop-Holder($Process) {
        Invoke-TestSql $script:sb "select pg_terminate_backend(pid) from pg_stat_activity where query like '%lock table public.customer_emails%' and pid <> pg_backend_pid()" | Out-Null
        $Process.WaitForExit(10000) | Out-Null
    }
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Concurrent runs' -Tag Slow, Reliability, Concurrency {
    It 'four concurrent migration runs apply each migration exactly once' {
        $dir = Join-Path $TestDrive 'four'
        foreach ($d in 'migrations', 'rollbacks') { New-Item -ItemType Directory -Force (Join-Path $dir $d) | Out-Null }
        Invoke-TestSql $script:sb 'create table public.rel_applied (migration text not null)' | Out-Null
        foreach ($i in 1..3) {
            Set-Content (Join-Path $dir "migrations/2040010100000${i}_c$i.sql") "insert into public.rel_applied values ('c$i');`nselect pg_sleep(0.5);`ncreate table public.rel_conc_$i (id int);"
            Set-Content (Join-Path $dir "rollbacks/2040010100000${i}_c$i.sql") "drop table public.rel_conc_$i;"
        }
        $children = 1..4 | ForEach-Object { Start-CrmChild "`$r = @(Invoke-CrmMigration -Path '$dir' -Connection '$($script:cs)' -LockWait 00:01:00 -Confirm:`$false | Where-Object Status -eq 'Applied'); 'applied ' + `$r.Count" }
        $results = $children | ForEach-Object { Wait-CrmChild $_ -TimeoutSeconds 120 }
        $results.ExitCode | Should -Be @(0, 0, 0, 0) -Because ($results.Output -join ' | ')
        # Every migration applied once in all: the runs' counts add up to 3.
        ($results.Output | ForEach-Object { if ($_ -match 'applied (\d+)') { [int]$Matches[1] } } | Measure-Object -Sum).Sum | Should -Be 3
        Invoke-TestSql $script:sb "select string_agg(migration, ',' order by migration) from public.rel_applied" | Should -Be 'c1,c2,c3'
        Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_migration_history where version like '2040010100000%'" | Should -Be 3
    }

    It 'three concurrent refreshes: one refreshes, the others skip with a warning, none fails or queues' {
        $before = [int](Invoke-TestSql $script:sb 'select count(*) from supabase_migrations.crmops_refresh_log')
        $holder = Lock-Emails 300
        $children = 1..3 | ForEach-Object { Start-CrmChild "`$r = Invoke-CrmTimelineRefresh -Connection '$($script:cs)' -LockTimeout 00:00:45 3>`$null; 'status ' + `$r.Status" }
        # The first holds the refresh lock while it waits for customer_emails; the other two must skip, not queue.
        Wait-Until -What 'two refreshes to skip' -TimeoutSeconds 40 { [int](Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_refresh_log where id > $before and status = 'Skipped'") -ge 2 }
        Stop-Holder $holder
        $results = $children | ForEach-Object { Wait-CrmChild $_ -TimeoutSeconds 120 }
        $results.ExitCode | Should -Be @(0, 0, 0) -Because ($results.Output -join ' | ')
        $statuses = $results.Output | ForEach-Object { if ($_ -match 'status (\w+)') { $Matches[1] } } | Sort-Object
        ($statuses -join ',') | Should -Be 'Skipped,Skipped,Succeeded'
        Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_refresh_log where id > $before and status = 'Failed'" | Should -Be 0
        Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_refresh_log where id > $before" | Should -Be 3
        Invoke-TestSql $script:sb 'select count(*) from public.customer_activity_timeline' | Should -Be 11825
    }

    It 'scoring while another process inserts orders and updates engagement: final scores equal a fresh recomputation' {
        $writer = Start-TestSql $script:sb @'
do $$
declare i int;
begin
  for i in 1..150 loop
    update public.customer_engagement_metrics
       set lifetime_orders = lifetime_orders + 1, lifetime_net = lifetime_net + 120, last_order_at = clock_timestamp(), updated_at = clock_timestamp()
     where customer_id in (select customer_id from public.customer_engagement_metrics order by random() limit 25);
    insert into public.orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at)
    values ('rel-' || gen_random_uuid(), 'ev-rel', 'Reliability night', 'rel@example.com', 'Rel', 'Iable', 130, 120, 'completed', clock_timestamp());
    commit;
    perform pg_sleep(0.02);
  end loop;
end $$;
'@
        Wait-Until -What 'the writer to start' { [int](Invoke-TestSql $script:sb "select count(*) from public.orders_htx where order_id like 'rel-%'") -gt 0 }
        $runs = 0
        $verbose = @()
        while (-not $writer.HasExited -and $runs -lt 6) {
            # As of now, like the triggers the writer fires (a sandbox would otherwise score as of its reference date).
            $out = Update-CrmLeadScore -Full -BatchSize 1000 -AsOf ([DateTimeOffset]::UtcNow) -ErrorAction Stop -Verbose 4>&1
            $verbose += @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
            $r = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            $r.Customers | Should -Be 9369
            $runs++
        }
        # How the batches yield to the writer: a superuser lowers deadlock_timeout; the Supabase shape's postgres may not,
        # and yields by short lock waits instead. Either way the writer must never be the deadlock victim.
        $how = if ($script:sb.Supabase) { 'yields to applications by short lock waits' } else { 'yields to applications by deadlock_timeout' }
        "$verbose" | Should -Match $how
        $writer.WaitForExit(60000) | Should -BeTrue
        $writer.ExitCode | Should -Be 0 -Because "the writer must not be a deadlock victim: $($writer.StandardError.ReadToEnd())"
        $runs | Should -BeGreaterThan 0
        [int](Invoke-TestSql $script:sb "select count(*) from public.orders_htx where order_id like 'rel-%'") | Should -Be 150
        $now = Invoke-TestSql $script:sb "select now()::text"
        Get-ActualScoreDigest $script:sb | Should -Be (Get-ExpectedScoreDigest $script:sb $now) -Because 'no lost update: every score matches its engagement row'
    }

    It 'readers of the timeline are not blocked by a concurrent refresh' {
        $customer = Invoke-TestSql $script:sb 'select customer_id from public.customer_activity_timeline order by customer_id limit 1'
        $holder = Lock-Emails 300
        try {
            $child = Start-CrmChild "`$r = Invoke-CrmTimelineRefresh -Concurrently -Connection '$($script:cs)' -LockTimeout 00:05:00; 'status ' + `$r.Status"
            Wait-Until -What 'the refresh to hold its lock and wait' { [int](Invoke-TestSql $script:sb $refreshWaiting) -gt 0 }
            # Every read finishes while the refresh is still waiting for customer_emails: a read that had to wait for
            # the refresh could only finish after it (and fails at its lock_timeout instead of hanging the test).
            $counts = foreach ($i in 1..15) { @(Get-CrmCustomerTimeline $customer -Connection $readerCs -ErrorAction Stop).Count }
            [int](Invoke-TestSql $script:sb $refreshWaiting) | Should -Be 1 -Because 'the reads overlapped the refresh'
            @($counts | Where-Object { $_ -gt 0 }) | Should -HaveCount 15
        }
        finally { Stop-Holder $holder }
        $r = Wait-CrmChild $child
        $r.Output | Should -Match 'status Succeeded'
    }

    It 'the same reader is blocked by a blocking refresh (so the check above can fail)' {
        $customer = Invoke-TestSql $script:sb 'select customer_id from public.customer_activity_timeline order by customer_id limit 1'
        $holder = Lock-Emails 300
        try {
            $child = Start-CrmChild "`$r = Invoke-CrmTimelineRefresh -Concurrently:`$false -Connection '$($script:cs)' -LockTimeout 00:05:00; 'status ' + `$r.Status"
            Wait-Until -What 'the blocking refresh to wait' { [int](Invoke-TestSql $script:sb $refreshWaiting) -gt 0 }
            { Get-CrmCustomerTimeline $customer -Connection $readerCs -ErrorAction Stop } | Should -Throw '*lock timeout*'
        }
        finally { Stop-Holder $holder }
        $r = Wait-CrmChild $child
        $r.Output | Should -Match 'status Succeeded'
    }
}
