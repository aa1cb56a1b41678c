#requires -Version 7.4
# Issue 8.4 (least privilege, read-only reads) and 8.6 (a password never appears anywhere).
BeforeAll {
    Import-Module "$PSScriptRoot/ReliabilityHelpers.psm1" -Force
    Import-Module (Get-ModulePath) -Force
    $script:sb = Start-TestSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null
    Invoke-CrmTimelineRefresh | Out-Null
    Update-CrmLeadScore -AsOf 2025-10-15 | Out-Null
    $port = $script:sb.Port
    $script:readerPw = 'Reader-Only-Pa55-4711'
    Invoke-TestSql $script:sb @"
create role rel_reader login password '$($script:readerPw)';
grant usage on schema public, supabase_migrations to rel_reader;
grant select on all tables in schema public, supabase_migrations to rel_reader;
"@ | Out-Null
    # The grants above are a change by hand, which the drift check reports until it is accepted as the baseline.
    Set-CrmMigrationState -Baseline -Confirm:$false | Out-Null
    $script:readerCs = "Host=127.0.0.1;Port=$port;Username=rel_reader;Password=$($script:readerPw);Database=$($script:sb.Database)"
    $script:migDir = Join-Path $TestDrive 'set'
    foreach ($d in 'migrations', 'rollbacks') { New-Item -ItemType Directory -Force (Join-Path $script:migDir $d) | Out-Null }
    Set-Content (Join-Path $script:migDir 'migrations/20400101000000_priv.sql') 'create table public.priv_test (id int);'
    Set-Content (Join-Path $script:migDir 'rollbacks/20400101000000_priv.sql') 'drop table public.priv_test;'
    $script:customer = Invoke-TestSql $script:sb 'select id from public.customer_profiles order by lead_score desc, id limit 1'
}

AfterAll {
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'A read-only role (USAGE + SELECT only)' -Tag Reliability, Security {
    It 'runs <Command>' -TestCases @(
        @{ Command = 'Get-CrmDbObject -Type Table' }
        @{ Command = 'Get-CrmColumn customer_profiles' }
        @{ Command = 'Get-CrmDependency customer_activity_timeline' }
        @{ Command = 'Get-CrmRowCount -Exact' }
        @{ Command = 'Test-CrmRowCount customer_profiles -Expected 9369' }
        @{ Command = 'Get-CrmMigration -BuiltIn' }
        @{ Command = 'Test-CrmMigration -BuiltIn' }
        @{ Command = "Invoke-CrmMigration -Path '{dir}' -WhatIf" }
        @{ Command = 'Get-CrmRefreshHistory' }
        @{ Command = 'Get-CrmLeadScoreDistribution' }
        @{ Command = 'Get-CrmLeadSegment Hot' }
        @{ Command = 'Get-CrmCustomerTimeline {customer}' }
        @{ Command = 'Update-CrmLeadScore -AsOf 2026-01-15 -WhatIf' }
        @{ Command = 'Test-CrmDatabase -MaxScoreAge 36500.00:00:00 -MaxRefreshAge 1.00:00:00' }
        @{ Command = 'Get-CrmSchemaSnapshot' }
        @{ Command = 'Get-CrmSchemaSnapshot -Live' }
        @{ Command = 'Compare-CrmSchema -BuiltIn -Target 20250115100000' }
    ) {
        $before = Get-TestDatabaseState $script:sb
        $text = $Command.Replace('{customer}', $script:customer).Replace('{dir}', $script:migDir) + " -Connection '$($script:readerCs)'"
        $errors = $null
        $out = & ([scriptblock]::Create($text)) -ErrorVariable errors -ErrorAction SilentlyContinue 6>$null
        $errors | Should -BeNullOrEmpty -Because "$($errors | Select-Object -First 1)"
        @($out).Count | Should -BeGreaterThan 0
        if ($Command -like 'Test-*') { @(Select-ChecksThatMustPass $script:sb @($out) | Where-Object Passed -eq $false) | Should -BeNullOrEmpty -Because ($out | Where-Object Passed -eq $false | Out-String) }
        (Get-TestDatabaseState $script:sb).Counts | Should -Be $before.Counts
    }

    It 'is refused <Command> with a PermissionDenied error naming what was denied, and nothing changes' -TestCases @(
        @{ Command = "Invoke-CrmMigration -Path '{dir}' -Confirm:`$false" }
        @{ Command = 'Undo-CrmMigration -BuiltIn -Confirm:$false' }
        @{ Command = 'Set-CrmMigrationState -BuiltIn -Version 20250115100001 -State RolledBack -Confirm:$false' }
        @{ Command = 'Invoke-CrmTimelineRefresh' }
        @{ Command = 'Update-CrmLeadScore -AsOf 2026-01-15 -Full' }
        @{ Command = 'Update-CrmLeadScore -CustomerId {customer} -AsOf 2026-01-15' }
    ) {
        $before = Get-TestDatabaseState $script:sb
        $scores = Get-ScoreDigest $script:sb
        $text = $Command.Replace('{dir}', $script:migDir).Replace('{customer}', $script:customer) + " -Connection '$($script:readerCs)'"
        $record = $null
        try { $null = & ([scriptblock]::Create($text)) -ErrorAction Stop } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike 'CrmOps.*'
        $record.CategoryInfo.Category | Should -Be 'PermissionDenied' -Because "$record"
        "$record" | Should -Match 'permission denied for (table|schema|database|materialized view|function|sequence) \S+|must be owner of \S+'
        "$record" | Should -Not -Match ([regex]::Escape($script:readerPw))
        $after = Get-TestDatabaseState $script:sb
        $after.Schema | Should -Be $before.Schema
        $after.Counts | Should -Be $before.Counts
        Get-ScoreDigest $script:sb | Should -Be $scores
    }
}

Describe 'Reads run in read-only transactions, even for a role that could write' -Tag Reliability, Security {
    BeforeAll {
        # A view whose every read tries to write: only a READ ONLY transaction stops it.
        Invoke-TestSql $script:sb @'
create table public.rel_sneaky_log (at timestamptz default now());
create function public.rel_sneaky() returns int language sql volatile as 'insert into public.rel_sneaky_log default values returning 1';
create view public.rel_sneaky_v as select public.rel_sneaky() as x;
'@ | Out-Null
    }
    It 'the owner role is not read-only by default (so it proves nothing by itself)' {
        # (a superuser on the vanilla sandbox; the Supabase shape's postgres is not one, and still writes)
        $super = if ($script:sb.Supabase) { 'false' } else { 'true' }
        Invoke-TestSql $script:sb "select current_setting('default_transaction_read_only') || ',' || rolsuper::text from pg_roles where rolname = current_user" | Should -Be "off,$super"
        Invoke-TestSql $script:sb 'select x from public.rel_sneaky_v; select count(*) from public.rel_sneaky_log; delete from public.rel_sneaky_log;' | Select-Object -Last 1 | Should -Be 1
    }
    It '<Command> cannot write through the view' -TestCases @(
        @{ Command = 'Get-CrmRowCount rel_sneaky_v -Exact' }
        @{ Command = 'Test-CrmRowCount rel_sneaky_v -Minimum 0' }
    ) {
        $record = $null
        try { $null = & ([scriptblock]::Create($Command)) -ErrorAction Stop } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty -Because 'the write must be refused'
        "$record" | Should -Match 'read-only transaction'
        Invoke-TestSql $script:sb 'select count(*) from public.rel_sneaky_log' | Should -Be 0
    }
}

Describe 'A distinctive password appears nowhere' -Tag Reliability, Security {
    BeforeAll {
        $script:secret = 'Zq7Distinct1veS3cretXk91'
        Invoke-TestSql $script:sb -User $script:sb.Superuser "create role rel_secret login superuser password '$($script:secret)'" | Out-Null
        $port = $script:sb.Port
        $script:secretCs = "Host=127.0.0.1;Port=$port;Username=rel_secret;Password=$($script:secret);Database=$($script:sb.Database)"
        $script:secretUri = "postgresql://rel_secret:$($script:secret)@127.0.0.1:$port/$($script:sb.Database)?sslmode=disable"
        $script:transcript = Join-Path $TestDrive 'transcript.txt'
        $script:exportFile = Join-Path $TestDrive 'hot.csv'
        $script:streams = [System.Collections.Generic.List[string]]::new()
        $cred = [pscredential]::new('rel_secret', (ConvertTo-SecureString $script:secret -AsPlainText -Force))
        $wrongCred = [pscredential]::new('rel_secret', (ConvertTo-SecureString ($script:secret + 'X') -AsPlainText -Force))
        $commands = @(
            { Connect-CrmDatabase $script:secretCs }
            { Connect-CrmDatabase $script:secretUri -NoDefault }
            { Connect-CrmDatabase "Host=127.0.0.1;Port=$port;Database=$($script:sb.Database)" -Credential $cred -NoDefault }
            { Get-CrmDbObject }
            { Get-CrmColumn customer_profiles }
            { Get-CrmDependency customer_activity_timeline -Direction Upstream }
            { Get-CrmRowCount -Exact }
            { Test-CrmRowCount customer_profiles -Minimum 1 }
            { Get-CrmMigration -BuiltIn }
            { Test-CrmMigration -BuiltIn }
            { Invoke-CrmMigration -Path $script:migDir -Confirm:$false }
            { Undo-CrmMigration -Path $script:migDir -Confirm:$false }
            { Invoke-CrmTimelineRefresh }
            { Get-CrmRefreshHistory }
            { Update-CrmLeadScore -AsOf 2025-10-16 }
            { Get-CrmLeadScoreDistribution }
            { Get-CrmLeadSegment -Top 5 }
            { Export-CrmLeadSegment $script:exportFile Hot -Force }
            { Get-CrmCustomerTimeline $script:customer }
            { Test-CrmDatabase }
            { Get-CrmRowCount customers -Connection $script:secretUri }
            # failures
            { Connect-CrmDatabase "Host=127.0.0.1;Port=$port;Username=rel_secret;Password=$($script:secret)X;Database=$($script:sb.Database)" -NoDefault }
            { Connect-CrmDatabase "Host=127.0.0.1;Port=$port;Database=$($script:sb.Database)" -Credential $wrongCred -NoDefault }
            { Connect-CrmDatabase "postgresql://rel_secret:$($script:secret)@no-such-host.invalid:5432/$($script:sb.Database)" -NoDefault }
            { Connect-CrmDatabase "postgresql://rel_secret:$($script:secret)@127.0.0.1:notaport/$($script:sb.Database)" -NoDefault }
            { Connect-CrmDatabase "Host=127.0.0.1;Port=abc;Password=$($script:secret)" -NoDefault }
            { Get-CrmRowCount customers -Connection "Host=127.0.0.1;Port=1;Username=rel_secret;Password=$($script:secret);Database=$($script:sb.Database)" }
            { Get-CrmColumn no_such_table }
            { Invoke-CrmTimelineRefresh -Name customer_profiles }
            { Update-CrmLeadScore -AsOf 1900-01-01 }
            { Invoke-CrmMigration -Path (Join-Path $TestDrive 'missing') -Confirm:$false }
        )
        $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'
        Start-Transcript -Path $script:transcript -Force | Out-Null
        try {
            foreach ($c in $commands) {
                try {
                    $out = & $c -Verbose -Debug *>&1
                    foreach ($o in $out) { $script:streams.Add(($o | Out-String)); $script:streams.Add(($o | Format-List * -Force | Out-String)) }
                    $out | Out-Host
                }
                catch { $script:streams.Add(($_ | Out-String)); $script:streams.Add(($_ | Format-List * -Force | Out-String)); $script:streams.Add("$($_.Exception | Format-List * -Force | Out-String)"); $_ | Out-Host }
            }
            foreach ($e in $Error) { $script:streams.Add(($e | Out-String)) }
        }
        finally {
            Stop-Transcript | Out-Null
            $VerbosePreference = 'SilentlyContinue'; $DebugPreference = 'SilentlyContinue'
            Connect-CrmDatabase $script:sb.ConnectionString | Out-Null
        }
    }
    It 'ran the commands (the scan has something to scan)' {
        $script:streams.Count | Should -BeGreaterThan 60
        ($script:streams -join "`n") | Should -Match 'password authentication failed'
        Invoke-TestSql $script:sb "select count(*) from supabase_migrations.crmops_refresh_log where run_by = 'rel_secret'" | Should -BeGreaterThan 0
    }
    It 'is in no output, verbose, debug, warning, error or information stream' {
        ($script:streams -join "`n") | Should -Not -Match $script:secret
    }
    It 'is not in the transcript' {
        Get-Content $script:transcript -Raw | Should -Not -Match $script:secret
        (Get-Item $script:transcript).Length | Should -BeGreaterThan 1000
    }
    It 'is not in the history and log tables (supabase_migrations.*) nor in server activity' {
        $dump = Invoke-TestSql $script:sb @'
select coalesce(string_agg(t::text, E'\n'), '') from supabase_migrations.crmops_refresh_log t
union all select coalesce(string_agg(t::text, E'\n'), '') from supabase_migrations.crmops_scoring_runs t
union all select coalesce(string_agg(t::text, E'\n'), '') from supabase_migrations.crmops_migration_history t
union all select coalesce(string_agg(t::text, E'\n'), '') from pg_stat_activity t
'@
        ($dump -join "`n") | Should -Not -Match $script:secret
        ($dump -join "`n").Length | Should -BeGreaterThan 100
    }
    It 'is not in the temp files (the sandbox folder and server log, the export)' {
        $root = Split-Path $script:sb.DataDirectory
        $files = @(Get-ChildItem $root -Recurse -File -ErrorAction Ignore) + @(Get-Item $script:exportFile)
        $files.Count | Should -BeGreaterThan 100
        $hits = & grep -rl --binary-files=text -- $script:secret $root $script:exportFile 2>$null
        $hits | Should -BeNullOrEmpty
        Get-Content (Join-Path $root 'server.log') -Raw | Should -Match 'rel_secret' -Because 'the failures were logged, without the password'
    }
}
