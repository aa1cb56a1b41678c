#requires -Version 7.4
# Database advisors (issue 16): Get-CrmAdvisory computes splinter's lints; every advisory it reports, and every one
# it must not report, is checked through psql against the catalog (has_table_privilege, relrowsecurity, proconfig,
# pg_stat_user_indexes...). On a vanilla sandbox (no API roles) and on one shaped like a Supabase project (roles,
# default privileges and grants made by TestHelpers' Add-TestSupabaseRoles).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:vanilla = Start-CrmSandbox
    Invoke-CrmMigration -BuiltIn -Confirm:$false | Out-Null

    $script:supabase = Start-CrmSandbox -NoDefault
    Add-TestSupabaseRoles -Sandbox $supabase -GrantExisting

    function script:Test-Sql($Sandbox, [string] $Sql) { (Invoke-TestSql $Sandbox $Sql) -eq 't' }
}

AfterAll {
    if ($script:vanilla) { Stop-CrmSandbox $vanilla }
    if ($script:supabase) { Stop-CrmSandbox $supabase }
}

Describe 'Get-CrmAdvisory on a database without Supabase''s API roles' -Tag Advisors {
    BeforeAll {
        $script:advisories = @(Get-CrmAdvisory -Connection $vanilla -WarningVariable skipped 3>$null)
        $script:skipWarning = $skipped -join "`n"
    }

    It 'skips the exposure lints with a warning that says why, and reports none of them' {
        $skipWarning | Should -Match 'rls_disabled_in_public, security_definer_view, materialized_view_in_api skipped'
        $skipWarning | Should -Match 'anon and authenticated do not exist'
        $advisories.Name | Should -Not -Contain 'rls_disabled_in_public'
        $advisories.Name | Should -Not -Contain 'materialized_view_in_api'
        $advisories.Name | Should -Not -Contain 'security_definer_view'
    }

    It 'reports the unindexed foreign key of the test table orders, which psql confirms has no index on customer_id' {
        $a = $advisories | Where-Object { $_.Name -eq 'unindexed_foreign_keys' -and $_.Object -eq 'orders' }
        $a.Level | Should -Be 'Info'
        $a.Categories | Should -Be @('PERFORMANCE')
        $a.Detail | Should -Match 'orders_customer_id_fkey'
        $a.Remediation | Should -Match 'CREATE INDEX CONCURRENTLY ON public\.orders \(customer_id\)'
        Test-Sql $vanilla "select not exists (select 1 from pg_index where indrelid = 'public.orders'::regclass and indkey[0] = (select attnum from pg_attribute where attrelid = 'public.orders'::regclass and attname = 'customer_id'))" | Should -BeTrue
        # And none for a foreign key that has an index (customer_emails.customer_id).
        $advisories | Where-Object { $_.Name -eq 'unindexed_foreign_keys' -and $_.Object -eq 'customer_emails' } | Should -BeNullOrEmpty
    }

    It 'reports exactly the unused indexes that pg_stat_user_indexes shows with no scan (not unique, not primary)' {
        $expected = @(Invoke-TestSql $vanilla "select s.indexrelname from pg_stat_user_indexes s join pg_index i on i.indexrelid = s.indexrelid where s.idx_scan = 0 and not i.indisunique and not i.indisprimary and s.schemaname not in ('crmops', 'supabase_migrations') order by 1")
        $got = @($advisories | Where-Object { $_.Name -eq 'unused_index' -and $_.Schema -notin 'crmops', 'supabase_migrations' } | ForEach-Object Object | Sort-Object)
        $expected | Should -Not -BeNullOrEmpty
        $got | Should -Be $expected
    }

    It 'leaves no duplicate_index: the built-in migrations dropped their copy of idx_customer_engagement_metrics_last_order_at' {
        $advisories.Name | Should -Not -Contain 'duplicate_index'
        Invoke-TestSql $vanilla "select count(*) from pg_indexes where tablename = 'customer_engagement_metrics' and indexdef like '%(last_order_at)'" | Should -Be '1'
    }

    It 'leaves no function_search_path_mutable for the functions the built-in migrations create (each has proconfig search_path=)' {
        $advisories | Where-Object Name -eq 'function_search_path_mutable' | Should -BeNullOrEmpty
        Invoke-TestSql $vanilla "select count(*) from pg_proc where pronamespace = 'public'::regnamespace and exists (select 1 from unnest(proconfig) c where c like 'search_path=%')" | Should -Be '3'
    }

    It 'reports a function created without a search_path, and a duplicate index, as psql shows them' {
        Invoke-TestSql $vanilla "create function public.adv_probe() returns int language sql as 'select 1'; create index adv_dup_a on public.orders_htx (event_id); create index adv_dup_b on public.orders_htx (event_id);" | Out-Null
        try {
            $now = @(Get-CrmAdvisory -Connection $vanilla 3>$null)
            $fn = $now | Where-Object { $_.Name -eq 'function_search_path_mutable' }
            $fn.Object | Should -Be 'adv_probe'
            $fn.Level | Should -Be 'Warn'
            $fn.Remediation | Should -Match "ALTER FUNCTION public\.adv_probe\(\) SET search_path = ''"
            $dup = $now | Where-Object { $_.Name -eq 'duplicate_index' }
            $dup.Object | Should -Be 'orders_htx'
            $dup.Detail | Should -Match 'adv_dup_a,adv_dup_b'
            $dup.Remediation | Should -Match 'DROP INDEX CONCURRENTLY public\.adv_dup_b; \(keep adv_dup_a\)'
        }
        finally { Invoke-TestSql $vanilla 'drop function public.adv_probe(); drop index public.adv_dup_a, public.adv_dup_b;' | Out-Null }
    }

    It 'filters by -Name (wildcards), -Level and -Category, and names the known lints for an unknown one' {
        @(Get-CrmAdvisory -Connection $vanilla -Name 'unindexed*' 3>$null).Name | Sort-Object -Unique | Should -Be 'unindexed_foreign_keys'
        @(Get-CrmAdvisory -Connection $vanilla -Level Info 3>$null).Level | Sort-Object -Unique | Should -Be 'Info'
        @(Get-CrmAdvisory -Connection $vanilla -Category PERFORMANCE 3>$null | Where-Object { $_.Categories -notcontains 'PERFORMANCE' }) | Should -BeNullOrEmpty
        { Get-CrmAdvisory -Connection $vanilla -Name 'no_such_lint' -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.AdvisoryNotFound*' -ExpectedMessage '*rls_disabled_in_public*'
    }

    It 'Test-CrmDatabase has one check per level; ERROR and WARN pass here, INFO reports and fails only with -AdvisoryLevel Info' {
        $checks = Test-CrmDatabase -Connection $vanilla -MaxScoreAge 36500.00:00:00 -MaxRefreshAge 36500.00:00:00
        $checks.Check | Should -Contain 'AdvisoryError'
        $checks.Check | Should -Contain 'AdvisoryWarn'
        $checks.Check | Should -Contain 'AdvisoryInfo'
        ($checks | Where-Object Check -eq 'AdvisoryError').Passed | Should -BeTrue
        ($checks | Where-Object Check -eq 'AdvisoryWarn').Passed | Should -BeTrue
        $info = $checks | Where-Object Check -eq 'AdvisoryInfo'
        $info.Passed | Should -BeTrue
        $info.Actual | Should -Match 'unindexed_foreign_keys public\.orders'
        (Test-CrmDatabase -Connection $vanilla -AdvisoryLevel Info | Where-Object Check -eq 'AdvisoryInfo').Passed | Should -BeFalse
    }
}

Describe 'Get-CrmAdvisory on a Supabase-shaped database' -Tag Advisors {
    It 'reports materialized_view_in_api for the timeline while anon can select it (after 20250115100001), as psql confirms' {
        Invoke-CrmMigration -BuiltIn -Target 20250115100001 -Connection $supabase -Confirm:$false 3>$null | Out-Null
        Test-Sql $supabase "select has_table_privilege('anon', 'public.customer_activity_timeline', 'SELECT')" | Should -BeTrue
        $mv = @(Get-CrmAdvisory -Name materialized_view_in_api -Connection $supabase)
        $mv.Object | Should -Contain 'customer_activity_timeline'
        $mv.Object | Should -Contain 'customer_marketing_export'
        ($mv | Where-Object Object -eq 'customer_activity_timeline').Level | Should -Be 'Warn'
        ($mv | Where-Object Object -eq 'customer_activity_timeline').Remediation | Should -Match 'REVOKE ALL ON public\.customer_activity_timeline FROM anon, authenticated'
        @(Get-CrmAdvisory -Name function_search_path_mutable -Connection $supabase).Object | Sort-Object |
            Should -Be @('calculate_lead_score_for_customer_profiles', 'lead_score_components', 'recalculate_customer_profile_lead_score')
    }

    It 'reports neither for the objects of the built-in migrations once they have all run; other objects keep their grants' {
        $grantsBefore = Invoke-TestSql $supabase "select string_agg(format('%s:%s', c.relname, c.relacl), ' ' order by c.relname) from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm') and c.relname <> 'customer_activity_timeline'"
        Invoke-CrmMigration -BuiltIn -Connection $supabase -Confirm:$false | Select-Object -ExpandProperty Name | Should -Be (Get-BuiltInMigrations | Select-Object -Skip 2).Name -Because 'the seed''s two ran before'
        Test-Sql $supabase "select not has_table_privilege('anon', 'public.customer_activity_timeline', 'SELECT') and not has_table_privilege('authenticated', 'public.customer_activity_timeline', 'SELECT')" | Should -BeTrue
        $mv = @(Get-CrmAdvisory -Name materialized_view_in_api -Connection $supabase)
        $mv.Object | Should -Not -Contain 'customer_activity_timeline'
        $mv.Object | Should -Contain 'customer_marketing_export' -Because 'an object the built-in migrations did not create keeps the privileges its owner gave it'
        Get-CrmAdvisory -Name function_search_path_mutable -Connection $supabase | Should -BeNullOrEmpty
        Invoke-TestSql $supabase "select string_agg(format('%s:%s', c.relname, c.relacl), ' ' order by c.relname) from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm') and c.relname <> 'customer_activity_timeline'" |
            Should -Be $grantsBefore
        # The scoring still gives the seed's figures through the rewritten rules.
        $run = Update-CrmLeadScore -AsOf '2025-10-15T00:00:00Z' -Connection $supabase -Confirm:$false
        $run.Hot, $run.Warm, $run.Cool, $run.Cold | Should -Be @(20, 653, 1148, 7548)
    }

    It 'reports rls_disabled_in_public (ERROR) for exactly the public tables anon can read without RLS, and Test-CrmDatabase fails AdvisoryError' {
        $expected = @(Invoke-TestSql $supabase "select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and not c.relrowsecurity and (has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT')) order by 1")
        $expected | Should -Contain 'customer_profiles'
        $got = @(Get-CrmAdvisory -Name rls_disabled_in_public -Connection $supabase)
        @($got.Object | Sort-Object) | Should -Be $expected
        $got.Level | Sort-Object -Unique | Should -Be 'Error'
        $check = Test-CrmDatabase -Connection $supabase | Where-Object Check -eq 'AdvisoryError'
        $check.Passed | Should -BeFalse
        $check.Message | Should -Match 'rls_disabled_in_public public\.'
    }

    It 'reports security_definer_view for the views anon can read unless they are security_invoker' {
        $got = @(Get-CrmAdvisory -Name security_definer_view -Connection $supabase).Object | Sort-Object
        $got | Should -Be @('customer_orders_v', 'customers_flat_v')
        Invoke-TestSql $supabase 'alter view public.customer_orders_v set (security_invoker = on)' | Out-Null
        try { @(Get-CrmAdvisory -Name security_definer_view -Connection $supabase).Object | Should -Be @('customers_flat_v') }
        finally { Invoke-TestSql $supabase 'alter view public.customer_orders_v reset (security_invoker)' | Out-Null }
    }

    It 'with RLS on every public table: AdvisoryError passes; rls_enabled_no_policy (INFO) and policy_exists_rls_disabled (ERROR) as psql shows' {
        $tables = @(Invoke-TestSql $supabase "select format('%I.%I', schemaname, tablename) from pg_tables where schemaname = 'public'")
        Invoke-TestSql $supabase (($tables | ForEach-Object { "alter table $_ enable row level security;" }) -join "`n") | Out-Null
        try {
            Get-CrmAdvisory -Name rls_disabled_in_public -Connection $supabase | Should -BeNullOrEmpty
            @(Get-CrmAdvisory -Name rls_enabled_no_policy -Connection $supabase).Count | Should -Be $tables.Count
            Invoke-TestSql $supabase 'alter view public.customer_orders_v set (security_invoker = on); alter view public.customers_flat_v set (security_invoker = on);' | Out-Null
            (Test-CrmDatabase -Connection $supabase | Where-Object Check -eq 'AdvisoryError').Passed | Should -BeTrue
            # A policy on a table whose RLS is off again.
            Invoke-TestSql $supabase "create policy adv_own on public.customers for select using (true); alter table public.customers disable row level security;" | Out-Null
            $p = Get-CrmAdvisory -Name policy_exists_rls_disabled -Connection $supabase
            $p.Object | Should -Be 'customers'
            $p.Level | Should -Be 'Error'
            $p.Detail | Should -Match 'adv_own'
        }
        finally {
            Invoke-TestSql $supabase (($tables | ForEach-Object { "alter table $_ disable row level security;" }) -join "`n") | Out-Null
            Invoke-TestSql $supabase 'drop policy if exists adv_own on public.customers; alter view public.customer_orders_v reset (security_invoker); alter view public.customers_flat_v reset (security_invoker);' | Out-Null
        }
    }

    It 'looks only at the schemas the Data API serves: -ExposedSchema, else the database''s pgrst.db_schemas, else public' {
        @(Get-CrmAdvisory -Name rls_disabled_in_public -Connection $supabase).Count | Should -BeGreaterThan 0
        Get-CrmAdvisory -Name rls_disabled_in_public -ExposedSchema api -Connection $supabase | Should -BeNullOrEmpty
        (Test-CrmDatabase -Connection $supabase | Where-Object Check -eq 'AdvisoryError').Actual | Should -Match 'rls_disabled_in_public public\.'
        (Test-CrmDatabase -Connection $supabase -ExposedSchema api | Where-Object Check -eq 'AdvisoryError').Actual | Should -Not -Match 'rls_disabled_in_public'
        Invoke-TestSql $supabase "alter database $($supabase.Database) set pgrst.db_schemas = 'api, graphql_public'" | Out-Null
        try {
            $cs = "Host=127.0.0.1;Port=$($supabase.Port);Username=postgres;Database=$($supabase.Database);Pooling=false"
            Get-CrmAdvisory -Name rls_disabled_in_public -Connection $cs -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] } |
                ForEach-Object Message | Should -Contain 'Exposed schemas (Supabase''s Data API): api, graphql_public.'
            Get-CrmAdvisory -Name rls_disabled_in_public -Connection $cs | Should -BeNullOrEmpty
        }
        finally { Invoke-TestSql $supabase "alter database $($supabase.Database) reset pgrst.db_schemas" | Out-Null }
    }

    It 'reports extension_in_public for an extension created in public, not for one in its own schema' {
        $ext = Invoke-TestSql $supabase "select name from pg_available_extensions where name in ('pg_trgm', 'citext', 'hstore') order by 1 limit 1"
        if (-not $ext) { Set-ItResult -Skipped -Because 'no contrib extension is installed on this machine'; return }
        Invoke-TestSql $supabase "create extension $ext schema public" | Out-Null
        try {
            $a = Get-CrmAdvisory -Name extension_in_public -Connection $supabase
            $a.Object | Should -Be $ext
            $a.Level | Should -Be 'Warn'
            Invoke-TestSql $supabase "create schema if not exists extensions; alter extension $ext set schema extensions" | Out-Null
            Get-CrmAdvisory -Name extension_in_public -Connection $supabase | Should -BeNullOrEmpty
        }
        finally { Invoke-TestSql $supabase "drop extension if exists $ext cascade" | Out-Null }
    }
}
