#requires -Version 7.4
# One command, many databases: -Connection with several (objects, strings, registered names, the pipeline), read
# commands at once, changing commands in order and stopping at the first failure, output that names its database.
# Three real sandboxes of different sizes, so that every row says by its content which database it came from; psql
# checks each database independently.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:a = Start-CrmSandbox -Customers 100 -NoDefault
    $script:b = Start-CrmSandbox -Customers 200 -NoDefault
    $script:c = Start-CrmSandbox -Customers 300 -NoDefault
    $script:all = $a, $b, $c

    # A port nothing listens on: a database that is down.
    function script:Get-ClosedPort { $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $l.Start(); $p = $l.LocalEndpoint.Port; $l.Stop(); $p }
    $script:downString = "Host=127.0.0.1;Port=$(Get-ClosedPort);Username=postgres;Database=crm;Timeout=3"
}

AfterAll {
    Get-CrmConnection | ForEach-Object { Disconnect-CrmDatabase -Name $_.Name }
    foreach ($s in $script:all) { if ($s) { Stop-CrmSandbox $s } }
}

Describe 'Three sandboxes, one command' {
    It 'Get-CrmRowCount -Connection $a,$b,$c returns three rows, each naming its database' {
        $rows = @(Get-CrmRowCount -Connection $a, $b, $c -Table customer_profiles -Exact)
        $rows | Should -HaveCount 3
        foreach ($s in $all) {
            $row = @($rows | Where-Object { [object]::ReferenceEquals($_.Connection, $s.Connection) })
            $row | Should -HaveCount 1 -Because "one row comes from the sandbox on port $($s.Port)"
            $row[0].Rows | Should -Be ([long](Invoke-TestSql $s 'select count(*) from customer_profiles'))
            $row[0].Rows | Should -Be $s.Customers
            "$($row[0].Connection)" | Should -Be "postgres@127.0.0.1:$($s.Port)/crm"
        }
    }

    It 'shows the Connection column first in the default view, only when several databases are involved' {
        $several = (Get-CrmRowCount -Connection $a, $b -Table customer_profiles | Out-String -Width 200) -split "`n" | Where-Object { $_ -match '\S' }
        # (the default view names a table of public without its schema, any other one schema-qualified)
        $several[0] | Should -Match '^Connection\s+Table\s+Rows'
        ($several -join "`n") | Should -Match "postgres@127\.0\.0\.1:$($a.Port)/crm\s+customer_profiles"
        $one = (Get-CrmRowCount -Connection $a -Table customer_profiles | Out-String -Width 200) -split "`n" | Where-Object { $_ -match '\S' }
        $one[0] | Should -Match '^Table\s+Rows'
        (Get-CrmRowCount -Connection $a -Table customer_profiles).PSObject.Properties['Connection'] | Should -BeNullOrEmpty -Because 'one database: the output is as it always was'
    }

    It 'takes connection strings and sandboxes mixed, each database once' {
        $rows = @(Get-CrmRowCount -Connection $a, $b.ConnectionString, $a -Table customer_profiles)
        $rows | Should -HaveCount 2
        @($rows | ForEach-Object { $_.Connection.Port } | Sort-Object) | Should -Be (@($a.Port, $b.Port) | Sort-Object)
    }

    It 'reads the databases at once (up to -ThrottleLimit), and one at a time with -ThrottleLimit 1' {
        # Each database's customer_profiles is locked by psql, so each exact count waits on the lock; the servers
        # show how many of CrmOps' counts wait at the same time.
        $observe = {
            param([int] $Throttle)
            $holders = foreach ($s in $all) { Start-TestSql $s 'begin; lock table customer_profiles; select pg_sleep(60); commit;' }
            Start-Sleep -Milliseconds 500
            $ps = [powershell]::Create()
            [void]$ps.AddScript("Import-Module '$(Get-RepoRoot)/CrmOps.psd1'; Get-CrmRowCount customer_profiles -Exact -ThrottleLimit $Throttle -Connection '$($a.ConnectionString)', '$($b.ConnectionString)', '$($c.ConnectionString)'")
            $handle = $ps.BeginInvoke()
            $most = 0
            $deadline = [DateTime]::UtcNow.AddSeconds(8)
            while ([DateTime]::UtcNow -lt $deadline -and $most -lt 3) {
                $waiting = 0
                foreach ($s in $all) { $waiting += [int](Invoke-TestSql $s "select count(*) from pg_stat_activity where application_name = 'CrmOps' and wait_event_type = 'Lock'") }
                $most = [Math]::Max($most, $waiting)
                Start-Sleep -Milliseconds 200
            }
            $holders | ForEach-Object { if (-not $_.HasExited) { $_.Kill() } }
            foreach ($s in $all) { Invoke-TestSql $s "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'psql' and pid <> pg_backend_pid()" | Out-Null }
            $rows = $ps.EndInvoke($handle)
            $ps.Dispose()
            [pscustomobject]@{ Most = $most; Rows = $rows.Count }
        }
        $atOnce = & $observe 4
        $atOnce.Most | Should -Be 3 -Because 'the three counts wait on their locks at the same time'
        $atOnce.Rows | Should -Be 3
        $oneByOne = & $observe 1
        $oneByOne.Most | Should -Be 1
        $oneByOne.Rows | Should -Be 3
    }

    It 'runs each database in a copy of its own: piped names are counted in their own database' {
        # Get-CrmDbObject's output names its database; Get-CrmRowCount collects the piped names per database.
        $rows = @(Get-CrmDbObject -Connection $a, $c -Name customer_profiles, customer_emails | Get-CrmRowCount -Exact)
        $rows | Should -HaveCount 4
        foreach ($s in $a, $c) {
            $mine = @($rows | Where-Object { $_.Connection.Port -eq $s.Port } | Sort-Object Table)
            $mine.Table | Should -Be @('customer_emails', 'customer_profiles')
            $mine.Rows | Should -Be @($s.Customers, $s.Customers)
        }
    }

    It 'stops cleanly when the pipeline has what it needs' {
        $first = @(Get-CrmDbObject -Connection $a, $b, $c | Select-Object -First 1)
        $first | Should -HaveCount 1
        foreach ($s in $all) { Invoke-TestSql $s "select count(*) from pg_stat_activity where application_name = 'CrmOps' and state <> 'idle'" | Should -Be '0' }
    }
}

Describe 'A database that is down' {
    It 'gives the rows of the others and one non-terminating error naming it' {
        $rows = @(Get-CrmRowCount -Connection $a, $downString, $c -Table customer_profiles -ErrorAction SilentlyContinue -ErrorVariable failures)
        $rows | Should -HaveCount 2
        @($rows.Connection.Port | Sort-Object) | Should -Be (@($a.Port, $c.Port) | Sort-Object)
        @($failures) | Should -HaveCount 1
        $port = ($downString -split ';' | Where-Object { $_ -like 'Port=*' }) -replace 'Port=', ''
        $failures[0].Exception.Message | Should -Match "^postgres@127\.0\.0\.1:$port/crm: Cannot connect to 127\.0\.0\.1:$port"
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.Connection*'
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'a stopped sandbox: two rows and one error naming it' {
        $gone = Start-CrmSandbox -Customers 100 -NoDefault
        Stop-CrmSandbox $gone
        $rows = @(Get-CrmRowCount -Connection $a, $gone, $c -Table customer_profiles -ErrorAction SilentlyContinue -ErrorVariable failures)
        $rows | Should -HaveCount 2
        @($failures) | Should -HaveCount 1
        $failures[0].Exception.Message | Should -Match "^postgres@127\.0\.0\.1:$($gone.Port)/crm: .*closed \(by Stop-CrmSandbox"
    }

    It 'in a scheduled task: the script goes on (exit 0); with -ErrorAction Stop it ends with a non-zero exit code' {
        $list = "'$($a.ConnectionString)', '$downString', '$($c.ConnectionString)'"
        $goesOn = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; `$r = Get-CrmRowCount customer_profiles -Connection $list; ""ROWS `$(`$r.Count)""; 'AFTER'"
        $goesOn.ExitCode | Should -Be 0 -Because $goesOn.StdErr
        $goesOn.StdOut | Should -Match 'ROWS 2'
        $goesOn.StdOut | Should -Match 'AFTER'
        ($goesOn.StdOut + $goesOn.StdErr) | Should -Match 'Cannot connect to 127\.0\.0\.1'
        $stops = Invoke-ChildPwsh -Script "Import-Module ./CrmOps.psd1; Get-CrmRowCount customer_profiles -Connection $list -ErrorAction Stop | Out-Null; 'AFTER'"
        $stops.ExitCode | Should -Not -Be 0
        $stops.StdOut | Should -Not -Match 'AFTER'
        ($stops.StdOut + $stops.StdErr) | Should -Match 'Cannot connect to 127\.0\.0\.1'
    }
}

Describe 'Changing commands: one database at a time, in order' {
    BeforeAll {
        $script:m1 = Start-CrmSandbox -Customers 100 -NoDefault
        $script:m2 = Start-CrmSandbox -Customers 100 -NoDefault
        $script:all += $m1, $m2
        $script:builtIn = @(Get-ChildItem "$PSScriptRoot/../../module/migrations/migrations" -Filter *.sql).Count
        # The history table is planned even in a CASE branch not taken: ask whether it exists first.
        $script:applied = { param($s) if ((Invoke-TestSql $s "select to_regclass('supabase_migrations.crmops_migration_history') is not null") -ne 't') { 0 } else { [int](Invoke-TestSql $s 'select count(*) from supabase_migrations.crmops_migration_history') } }
    }

    It 'stops at the first database that fails, names it, and says which it did not run on' {
        $r = @(Invoke-CrmMigration -BuiltIn -Connection $m1, $downString, $m2 -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures -WarningVariable warned 3>$null)
        $r | Should -HaveCount $builtIn -Because 'one result per built-in migration, all from the first database'
        @($r.Connection.Port | Select-Object -Unique) | Should -Be $m1.Port
        & $applied $m1 | Should -Be $builtIn
        & $applied $m2 | Should -Be 0 -Because 'the run stopped at the database that failed'
        @($failures) | Should -HaveCount 1
        $failures[0].Exception.Message | Should -Match '^postgres@127\.0\.0\.1:\d+/crm: Cannot connect'
        "$warned" | Should -Match "Stopped after the failure on postgres@127\.0\.0\.1:\d+/crm: not run on postgres@127\.0\.0\.1:$($m2.Port)/crm"
    }

    It 'goes on with -ContinueOnError, in the order given' {
        Invoke-CrmTimelineRefresh -Connection $m1 -Confirm:$false | Out-Null
        $r = @(Update-CrmLeadScore -AsOf '2025-10-15' -Connection $m2, $downString, $m1 -ContinueOnError -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures)
        # m2 has no lead scoring yet and the second database is down: two errors, each naming its database; m1 still ran.
        @($failures) | Should -HaveCount 2
        $failures[0].Exception.Message | Should -Match "^postgres@127\.0\.0\.1:$($m2.Port)/crm: .*no lead_score column"
        $failures[1].Exception.Message | Should -Match '^postgres@127\.0\.0\.1:\d+/crm: Cannot connect'
        $r | Should -HaveCount 1
        $r[0].Connection.Port | Should -Be $m1.Port
        Invoke-CrmMigration -BuiltIn -Connection $m2 -Confirm:$false | Out-Null
        $before = [DateTime]::UtcNow
        $scored = @(Update-CrmLeadScore -AsOf '2025-10-16' -Full -Connection $m2, $m1 -Confirm:$false)
        $scored.Connection.Port | Should -Be @($m2.Port, $m1.Port)
        $at = foreach ($s in $m2, $m1) { [DateTimeOffset](Invoke-TestSql $s "select max(started_at) from supabase_migrations.crmops_scoring_runs") }
        $at[0] | Should -BeLessThan $at[1] -Because 'm2 was scored before m1, as given'
    }
}

Describe 'Named connections' {
    BeforeAll {
        Connect-CrmDatabase -Name prod $a.ConnectionString -NoDefault | Out-Null
        Connect-CrmDatabase -Name staging $b.ConnectionString -NoDefault | Out-Null
    }

    It 'Get-CrmConnection lists them in the order registered' {
        $list = @(Get-CrmConnection)
        $list.Name | Should -Be @('prod', 'staging')
        $list[0].Port | Should -Be $a.Port
        @(Get-CrmConnection st*).Name | Should -Be 'staging'
    }

    It '-Connection prod,staging works, and the view names them' {
        $rows = @(Get-CrmRowCount customer_profiles -Connection prod, staging)
        @($rows.Connection.Name | Sort-Object) | Should -Be @('prod', 'staging')
        (($rows | Out-String -Width 200) -split "`n" | Where-Object { $_ -match '^prod\s' }) | Should -Not -BeNullOrEmpty
    }

    It 'connections piped on their own bind to -Connection' {
        $rows = @(Get-CrmConnection | Get-CrmRowCount -Table customer_profiles -Exact)
        @($rows | Sort-Object { $_.Connection.Name } | ForEach-Object Rows) | Should -Be @(100, 200)
    }

    It 'an unknown name is refused at binding, naming those that exist' {
        { Get-CrmRowCount -Connection prod, qa } | Should -Throw -ExpectedMessage "*No connection is named 'qa' in this session (Get-CrmConnection lists them: prod, staging)*"
    }

    It 'Disconnect-CrmDatabase -Name forgets one' {
        Connect-CrmDatabase -Name scratch $c.ConnectionString -NoDefault | Out-Null
        Disconnect-CrmDatabase -Name scratch
        @(Get-CrmConnection).Name | Should -Not -Contain 'scratch'
    }
}

Describe 'Output that names its database feeds the next command' {
    BeforeAll {
        foreach ($s in $a, $c) {
            Invoke-CrmMigration -BuiltIn -Connection $s -Confirm:$false | Out-Null
            Invoke-CrmTimelineRefresh -Connection $s -Confirm:$false | Out-Null
            Update-CrmLeadScore -AsOf '2025-10-15' -Connection $s -Confirm:$false | Out-Null
        }
    }

    It 'Get-CrmLeadSegment -Connection $a,$c | Get-CrmCustomerTimeline reads each lead''s timeline in its own database' {
        $leads = @(Get-CrmLeadSegment -Connection $a, $c -Top 2)
        $leads | Should -HaveCount 4
        $activities = @($leads | Get-CrmCustomerTimeline)
        $activities.Count | Should -BeGreaterThan 3
        foreach ($act in $activities) {
            $s = $all | Where-Object Port -EQ $act.Connection.Port
            Invoke-TestSql $s "select count(*) from customer_profiles where id = '$($act.CustomerId)'" | Should -Be '1' -Because 'the activity was read in the database its customer lives in'
        }
    }

    It '<Name> runs on both databases, and every object says which it came from' -TestCases @(
        @{ Name = 'Get-CrmDbObject'; Run = { param($dbs) Get-CrmDbObject -Connection $dbs -Name customer_profiles } }
        @{ Name = 'Get-CrmColumn'; Run = { param($dbs) Get-CrmColumn customer_profiles -Connection $dbs } }
        @{ Name = 'Get-CrmDependency'; Run = { param($dbs) Get-CrmDependency customer_activity_timeline -Connection $dbs } }
        @{ Name = 'Get-CrmRowCount'; Run = { param($dbs) Get-CrmRowCount customer_profiles -Connection $dbs } }
        @{ Name = 'Test-CrmRowCount'; Run = { param($dbs) Test-CrmRowCount customer_profiles -Minimum 1 -Connection $dbs } }
        @{ Name = 'Get-CrmMigration'; Run = { param($dbs) Get-CrmMigration -BuiltIn -Connection $dbs } }
        @{ Name = 'Test-CrmMigration'; Run = { param($dbs) Test-CrmMigration -BuiltIn -Connection $dbs } }
        @{ Name = 'Get-CrmRefreshHistory'; Run = { param($dbs) Get-CrmRefreshHistory -Connection $dbs } }
        @{ Name = 'Get-CrmLeadScoreDistribution'; Run = { param($dbs) Get-CrmLeadScoreDistribution -Connection $dbs } }
        @{ Name = 'Get-CrmLeadSegment'; Run = { param($dbs) Get-CrmLeadSegment -Top 3 -Connection $dbs } }
        @{ Name = 'Test-CrmDatabase'; Run = { param($dbs) Test-CrmDatabase -Connection $dbs } }
    ) {
        $out = @(& $Run @($a, $c))
        $out.Count | Should -BeGreaterThan 1
        foreach ($o in $out) { $o.PSObject.Properties['Connection'] | Should -Not -BeNullOrEmpty -Because "every $Name object names its database" }
        @($out | ForEach-Object { $_.Connection.Port } | Sort-Object -Unique) | Should -Be (@($a.Port, $c.Port) | Sort-Object)
        # The table's header is the line above its first rule (views grouped by schema or table print a group line first).
        $lines = @(($out | Out-String -Width 300) -split "`n")
        $rule = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^\s*-{3,}' })
        $rule | Should -BeGreaterThan 0 -Because 'the default view is a table'
        $lines[$rule - 1] | Should -Match '^\s*Connection\b' -Because 'the default view shows the database first'
    }

    It 'Export-CrmLeadSegment writes one file per database' {
        $path = Join-Path $TestDrive 'leads.csv'
        $files = @(Export-CrmLeadSegment $path -Connection $a, $c -Confirm:$false)
        $files | Should -HaveCount 2
        foreach ($s in $a, $c) {
            $f = Join-Path $TestDrive "leads.127.0.0.1-$($s.Port)-crm.csv"
            Test-Path $f | Should -BeTrue
            @(Import-Csv $f).Count | Should -Be $s.Customers
        }
    }

    It 'Export-CrmSchemaSnapshot and Export-CrmLeadReport write one file per database, the label before a double extension' {
        $snap = @(Export-CrmSchemaSnapshot (Join-Path $TestDrive 'schema.json.gz') -Connection $a, $c -Confirm:$false)
        $report = @(Export-CrmLeadReport -Path (Join-Path $TestDrive 'leads.html') -Connection $a, $c -Confirm:$false)
        $snap | Should -HaveCount 2
        $report | Should -HaveCount 2
        foreach ($s in $a, $c) {
            $f = Join-Path $TestDrive "schema.127.0.0.1-$($s.Port)-crm.json.gz"
            Test-Path $f | Should -BeTrue
            (Get-CrmSchemaSnapshot -Path $f).Objects | Should -BeGreaterThan 10 -Because "each file holds a whole schema"
            Test-Path (Join-Path $TestDrive "leads.127.0.0.1-$($s.Port)-crm.html") | Should -BeTrue
        }
        Test-Path (Join-Path $TestDrive 'schema.json.gz') | Should -BeFalse -Because 'no database writes over another''s file'
    }
}
