#requires -Version 7.4
# Read replicas for real: a sandbox with a streaming standby (Start-CrmSandbox -Standby). Which server served a
# command is proved on the servers themselves, through psql: the session that runs the report, seen in
# pg_stat_activity of the server in recovery while the report streams, and the servers' own table statistics.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:sb = Start-CrmSandbox -Customers 2000 -Standby -NoDefault
    Invoke-CrmMigration -BuiltIn -Connection $sb -Confirm:$false | Out-Null
    Update-CrmLeadScore -AsOf '2025-10-15' -Connection $sb -Confirm:$false | Out-Null

    # The standby as psql sees it (Invoke-TestSql takes a port).
    $script:standby = [int] $sb.StandbyPort

    # Until the standby has replayed everything the primary has written so far.
    function script:Wait-Replayed {
        $target = Invoke-TestSql $sb 'select pg_current_wal_lsn()'
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Invoke-TestSql $standby "select pg_last_wal_replay_lsn() >= '$target'::pg_lsn") -ne 't') {
            if ([DateTime]::UtcNow -gt $deadline) { throw "The standby did not replay up to $target within 30 s." }
            Start-Sleep -Milliseconds 100
        }
    }

    # CrmOps' sessions on a server that are running the lead report right now (active, or idle inside its
    # transaction between two fetches; a pooled session that ran it earlier is idle): what the server says it serves.
    function script:Get-ReportSessions($Server) {
        [int](Invoke-TestSql $Server "select count(*) from pg_stat_activity where application_name = 'CrmOps' and state <> 'idle' and query ilike '%lead_score = ANY%'")
    }

    # Reads of customer_profiles a server has counted (its backends' statistics, flushed: their sessions end first).
    function script:Get-ProfileReads($Server) {
        Invoke-TestSql $Server "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'CrmOps'" | Out-Null
        Start-Sleep -Milliseconds 300
        [long](Invoke-TestSql $Server "select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) from pg_stat_user_tables where relname = 'customer_profiles'")
    }

    # Runs a report and, while its first lead is in the pipeline, asks both servers who is serving it. (With 2,000
    # leads the report's transaction is still open then: the read-ahead holds far fewer rows than that.)
    function script:Watch-Report([scriptblock] $Report) {
        $seen = [pscustomobject]@{ Primary = -1; Standby = -1; Leads = 0 }
        & $Report | ForEach-Object {
            if ($seen.Leads++ -eq 0) {
                $seen.Primary = Get-ReportSessions $sb
                $seen.Standby = Get-ReportSessions $standby
            }
        }
        $seen
    }
    Wait-Replayed
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Start-CrmSandbox -Standby' {
    It 'starts a streaming standby in recovery beside a primary that is not, and the connection carries it as its read replica' {
        $sb.StandbyPort | Should -BeGreaterThan 0
        $sb.StandbyPort | Should -Not -Be $sb.Port
        Invoke-TestSql $sb 'select pg_is_in_recovery()' | Should -Be 'f'
        Invoke-TestSql $standby 'select pg_is_in_recovery()' | Should -Be 't'
        Invoke-TestSql $standby 'select status from pg_stat_wal_receiver' | Should -Be 'streaming'
        Invoke-TestSql $sb 'select count(*) from pg_stat_replication where state = ''streaming''' | Should -Be '1'
        $sb.Connection.ReadReplica | Should -Be "postgres@127.0.0.1:$($sb.StandbyPort)/crm"
        $sb.StandbyConnectionString | Should -Match "Port=$($sb.StandbyPort)"
        # The standby holds the primary's data (what Update-CrmLeadScore wrote, replayed).
        Invoke-TestSql $standby 'select count(*) from customer_profiles where lead_score is not null' | Should -Be '2000'
    }
}

Describe 'Reports read from the standby, changes go to the primary' {
    It 'Get-CrmLeadSegment runs on the standby: its session is on the server in recovery, none on the primary' {
        $seen = Watch-Report { Get-CrmLeadSegment -Connection $sb -Verbose 4>$null }
        $seen.Leads | Should -Be 2000
        $seen.Standby | Should -Be 1 -Because 'the session that streams the leads is on the standby'
        $seen.Primary | Should -Be 0
    }

    It 'the standby''s own statistics count the report''s read of customer_profiles, the primary''s do not' {
        $primaryBefore = Get-ProfileReads $sb
        $standbyBefore = Get-ProfileReads $standby
        $leads = @(Get-CrmLeadSegment Warm -Connection $sb)
        $leads.Count | Should -BeGreaterThan 0
        (Get-ProfileReads $standby) | Should -BeGreaterThan $standbyBefore
        (Get-ProfileReads $sb) | Should -Be $primaryBefore
    }

    It 'says which server it read from with -Verbose' {
        $verbose = Get-CrmLeadScoreDistribution -Connection $sb -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match "Reading from the read replica postgres@127\.0\.0\.1:$($sb.StandbyPort)/crm"
    }

    It 'Update-CrmLeadScore runs on the primary (the standby would refuse it), and the standby replays the result' {
        $runs = [int](Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_scoring_runs')
        $r = Update-CrmLeadScore -AsOf '2026-01-01' -Full -Connection $sb -Confirm:$false -ErrorAction Stop
        $r.Customers | Should -Be 2000
        [int](Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_scoring_runs') | Should -Be ($runs + 1)
        Wait-Replayed
        Invoke-TestSql $standby 'select count(*) from supabase_migrations.crmops_scoring_runs' | Should -Be ([string]($runs + 1))
        $rescored = Invoke-TestSql $sb "select count(*) from customer_profiles where last_scored_at = '2026-01-01'"
        [int]$rescored | Should -BeGreaterThan 0
        Invoke-TestSql $standby "select count(*) from customer_profiles where last_scored_at = '2026-01-01'" | Should -Be $rescored
    }

    It 'Get-CrmMigration reads migration history from the primary (it needs the latest state)' {
        $q = "select count(*) from pg_stat_activity where application_name = 'CrmOps' and backend_type = 'client backend'"
        Get-ProfileReads $standby | Out-Null
        Get-CrmMigration -BuiltIn -Connection $sb | Should -HaveCount (Get-BuiltInMigrations).Count
        [int](Invoke-TestSql $standby $q) | Should -Be 0 -Because 'no CrmOps session was opened on the standby'
        [int](Invoke-TestSql $sb $q) | Should -BeGreaterThan 0
    }
}

Describe 'A standby that lags beyond -MaxReplicaLag' {
    BeforeAll {
        $script:lagged = Connect-CrmDatabase $sb.ConnectionString -ReadReplica $sb.StandbyConnectionString -MaxReplicaLag 2 -NoDefault
        Invoke-TestSql $standby 'select pg_wal_replay_pause()' | Out-Null
        # A change the paused standby receives but does not replay.
        Invoke-TestSql $sb "update customer_profiles set phone = coalesce(phone, '') where id = (select id from customer_profiles limit 1)" | Out-Null
        Start-Sleep -Seconds 3
    }
    AfterAll {
        Invoke-TestSql $standby 'select pg_wal_replay_resume()' | Out-Null
    }

    It 'is reported paused and behind by the standby itself' {
        Invoke-TestSql $standby 'select pg_is_wal_replay_paused(), pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn()' | Should -Be "t`tt"
    }

    It 'sends the report to the primary, with a warning that names the replica, its lag and the limit' {
        $seen = Watch-Report { Get-CrmLeadSegment -Connection $lagged -WarningVariable script:w 3>$null }
        $seen.Leads | Should -Be 2000
        $seen.Primary | Should -Be 1 -Because 'the replica is too far behind: the primary serves the report'
        $seen.Standby | Should -Be 0
        @($w).Count | Should -Be 1
        "$w" | Should -Match "read replica postgres@127\.0\.0\.1:$($sb.StandbyPort)/crm is [\d.]+ s behind \(replay is paused; the limit is 2 s"
        "$w" | Should -Match "reading from the primary postgres@127\.0\.0\.1:$($sb.Port)/crm instead"
    }

    It 'ends with exit code 0 in a scheduled task: the fallback is a warning, not an error' {
        $r = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; Connect-CrmDatabase '$($sb.ConnectionString)' -ReadReplica '$($sb.StandbyConnectionString)' -MaxReplicaLag 2 | Out-Null; (Get-CrmLeadSegment Hot -ErrorAction Stop | Measure-Object).Count"
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        ($r.StdOut + $r.StdErr) | Should -Match 'replay is paused'
    }

    It 'reads from the standby again once it has caught up' {
        Invoke-TestSql $standby 'select pg_wal_replay_resume()' | Out-Null
        Wait-Replayed
        $seen = Watch-Report { Get-CrmLeadSegment -Connection $lagged -WarningVariable script:w2 3>$null }
        $seen.Standby | Should -Be 1
        @($w2).Count | Should -Be 0
    }
}

Describe 'A read replica that cannot be reached' {
    It 'warns when connecting and when reading, and reads from the primary' {
        $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $closed = $l.LocalEndpoint.Port; $l.Stop()
        $c = Connect-CrmDatabase $sb.ConnectionString -ReadReplica "Host=127.0.0.1;Port=$closed" -NoDefault -WarningVariable connectWarning 3>$null
        "$connectWarning" | Should -Match "127\.0\.0\.1:$closed.*cannot be used now"
        $c.ReadReplica | Should -Be "postgres@127.0.0.1:$closed/crm" -Because 'user and database come from the primary'
        $seen = Watch-Report { Get-CrmLeadSegment -Connection $c -WarningVariable script:w3 3>$null }
        $seen.Primary | Should -Be 1
        "$w3" | Should -Match "read replica postgres@127\.0\.0\.1:$closed/crm cannot be used \(Cannot connect to 127\.0\.0\.1:$closed.*reading from the primary"
    }
}

Describe 'A multi-host connection string with Target Session Attributes' {
    It 'reads from the standby among the hosts and changes the primary' {
        $m = Connect-CrmDatabase "Host=127.0.0.1:$($sb.Port),127.0.0.1:$($sb.StandbyPort);Username=postgres;Database=crm;Target Session Attributes=prefer-standby" -NoDefault
        $m.ReadReplica | Should -Match '^prefer-standby among '
        $seen = Watch-Report { Get-CrmLeadSegment -Connection $m }
        $seen.Standby | Should -Be 1
        $seen.Primary | Should -Be 0
        $runs = [int](Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_scoring_runs')
        Update-CrmLeadScore -AsOf '2026-02-01' -Connection $m -Confirm:$false -ErrorAction Stop | Out-Null
        [int](Invoke-TestSql $sb 'select count(*) from supabase_migrations.crmops_scoring_runs') | Should -Be ($runs + 1)
    }

    It 'takes libpq''s multi-host URI with target_session_attrs too' {
        $m = Connect-CrmDatabase "postgresql://postgres@127.0.0.1:$($sb.Port),127.0.0.1:$($sb.StandbyPort)/crm?target_session_attrs=prefer-standby" -NoDefault
        $seen = Watch-Report { Get-CrmLeadSegment -Connection $m }
        $seen.Standby | Should -Be 1
    }

    It 'target_session_attrs=primary keeps reads on the primary' {
        $m = Connect-CrmDatabase "host=127.0.0.1,127.0.0.1 port=$($sb.StandbyPort),$($sb.Port) user=postgres dbname=crm target_session_attrs=primary" -NoDefault
        $m.ReadReplica | Should -BeNullOrEmpty
        $seen = Watch-Report { Get-CrmLeadSegment -Connection $m }
        $seen.Primary | Should -Be 1
        $seen.Standby | Should -Be 0
    }
}

Describe 'Stop-CrmSandbox' {
    It 'stops the standby with the primary and leaves no folder' {
        $one = Start-CrmSandbox -Customers 100 -Standby -NoDefault
        $pids = $one.ProcessId, $one.StandbyProcessId
        $pids | ForEach-Object { Test-ProcessAlive $_ | Should -BeTrue }
        Stop-CrmSandbox $one
        $pids | ForEach-Object { Test-ProcessAlive $_ | Should -BeFalse }
        Test-Path $one.RootDirectory | Should -BeFalse
    }
}
