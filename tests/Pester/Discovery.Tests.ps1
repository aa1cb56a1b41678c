#requires -Version 7.4
# Discovery and row counts (issue 4): Get-CrmDbObject, Get-CrmColumn, Get-CrmDependency,
# Get-CrmRowCount, Test-CrmRowCount, against the CRM schema of docs/spec crm-database.md.
# Runs on the default sandbox (the full CRM, 9,369 customers).

BeforeDiscovery {
    $script:HavePsql = [bool](Get-Command psql -ErrorAction Ignore)
}

BeforeAll {
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force

    function script:ConvertTo-Builder([string] $ConnectionString) {
        $b = [System.Data.Common.DbConnectionStringBuilder]::new()
        $b.set_ConnectionString($ConnectionString)
        $b
    }
    function script:Get-Part($Builder, [string[]] $Keys, $Default) {
        foreach ($k in $Keys) { if ($Builder.ContainsKey($k) -and "$($Builder[$k])") { return "$($Builder[$k])" } }
        $Default
    }
    # Runs SQL as the owner through psql (tests only; the module itself never runs arbitrary SQL).
    function script:Invoke-TestSql([string] $Sql, [string] $Database = $script:Database, [string] $File) {
        $psqlArgs = @('-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', $script:PgHost, '-p', $script:PgPort, '-U', $script:PgUser, '-d', $Database)
        if ($File) { $psqlArgs += @('-f', $File) } else { $psqlArgs += @('-c', $Sql) }
        $out = & psql @psqlArgs 2>&1
        if ($LASTEXITCODE -ne 0) { throw "psql failed: $out" }
    }

    $suffix = [Guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:Reader = "crmops_disc_reader_$suffix"
    $script:ReaderPassword = "Rd-$suffix-pw"

    $script:sb = Start-TestSandbox
    $cs = $script:sb.ConnectionString
    $b = ConvertTo-Builder $cs
    $script:PgHost = Get-Part $b 'Host', 'Server' '127.0.0.1'
    $script:PgPort = Get-Part $b 'Port' '5432'
    $script:PgUser = Get-Part $b 'Username', 'User Id', 'User' 'postgres'
    $script:Database = Get-Part $b 'Database', 'dbname' 'postgres'
    $script:ConnectionString = $cs

    # Test objects: a view on top of customer_orders_v (a depth-2 chain), a table never analyzed,
    # a read-only role with only CONNECT, USAGE and SELECT.
    Invoke-TestSql @"
CREATE VIEW public.crmops_test_order_summary_v AS SELECT source, count(*) AS orders FROM public.customer_orders_v GROUP BY source;
CREATE MATERIALIZED VIEW public.crmops_test_order_mv AS SELECT email, count(*) AS orders FROM public.customer_orders_v GROUP BY email;
CREATE TABLE public.crmops_test_never_analyzed (id int) WITH (autovacuum_enabled = false);
CREATE ROLE $script:Reader LOGIN PASSWORD '$script:ReaderPassword';
GRANT CONNECT ON DATABASE "$script:Database" TO $script:Reader;
GRANT USAGE ON SCHEMA public TO $script:Reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO $script:Reader;
"@
    $rb = ConvertTo-Builder $cs
    $rb['Username'] = $script:Reader
    $rb['Password'] = $script:ReaderPassword
    $script:ReaderConnectionString = $rb.get_ConnectionString()
}

AfterAll {
    # The whole cluster (database, role) goes away with the sandbox.
    if ($script:sb) { Stop-CrmSandbox $script:sb }
}

Describe 'Get-CrmDbObject' -Tag Discovery {
    It 'lists the CRM''s objects with their types' {
        $objects = Get-CrmDbObject
        ($objects | Where-Object Name -EQ 'customers').Type | Should -Be 'Table'
        ($objects | Where-Object Name -EQ 'customer_profiles').Type | Should -Be 'Table'
        ($objects | Where-Object Name -EQ 'customer_orders_v').Type | Should -Be 'View'
        ($objects | Where-Object Name -EQ 'customers_flat_v').Type | Should -Be 'View'
        ($objects | Where-Object Name -EQ 'customer_marketing_export').Type | Should -Be 'MaterializedView'
        ($objects | Where-Object Name -EQ 'customer_emails_pkey').Type | Should -Be 'Index'
        ($objects | Where-Object Name -EQ 'customer_emails_id_seq').Type | Should -Be 'Sequence'
        $objects[0].GetType().FullName | Should -Be 'CrmOps.CrmDbObject'
    }

    It 'reports estimated rows, size, owner and comment' {
        $p = Get-CrmDbObject customer_profiles
        $p.EstimatedRows | Should -BeGreaterThan 3
        $p.SizeBytes | Should -BeGreaterThan 0
        $p.Owner | Should -Not -BeNullOrEmpty
        $p.Schema | Should -Be 'public'
        (Get-CrmDbObject customer_orders_v).EstimatedRows | Should -BeNullOrEmpty
    }

    It 'filters by type (Table includes partitioned tables)' {
        Invoke-TestSql 'CREATE TABLE IF NOT EXISTS public.crmops_test_parted (d date) PARTITION BY RANGE (d)'
        $tables = Get-CrmDbObject -Type Table
        $tables.Type | Sort-Object -Unique | Should -BeIn @('Table', 'PartitionedTable')
        $tables.Name | Should -Contain 'crmops_test_parted'
        $tables.Name | Should -Not -Contain 'customer_orders_v'
        (Get-CrmDbObject -Type View).Name | Should -Contain 'customer_orders_v'
    }

    It 'translates PowerShell wildcards: <Pattern>' -ForEach @(
        @{ Pattern = 'orders_[he]*'; Expected = @('orders_eventbrite', 'orders_htx') }
        @{ Pattern = 'customer_?mails'; Expected = @('customer_emails') }
        @{ Pattern = 'CUSTOMERS'; Expected = @('customers') }
        @{ Pattern = 'customers_*_v'; Expected = @('customers_flat_v') }
    ) {
        @(Get-CrmDbObject $Pattern -Type Table, View).Name | Sort-Object | Should -Be $Expected
    }

    It 'treats LIKE and regex characters in a name literally' {
        @(Get-CrmDbObject 'customer%' -ErrorAction SilentlyContinue).Count | Should -Be 0
        @(Get-CrmDbObject 'cust.mers' -ErrorAction SilentlyContinue).Count | Should -Be 0
        @(Get-CrmDbObject 'customers_flat_v' -Schema 'pub*').Count | Should -Be 1
    }

    It 'takes schema-qualified names and other schemas' {
        Invoke-TestSql 'CREATE SCHEMA IF NOT EXISTS crmops_test_auth; CREATE TABLE IF NOT EXISTS crmops_test_auth.users (id int);'
        (Get-CrmDbObject public.customers).Schema | Should -Be 'public'
        (Get-CrmDbObject crmops_test_auth.users).Schema | Should -Be 'crmops_test_auth'
        (Get-CrmDbObject users -Schema 'crmops_test_*').Name | Should -Be 'users'
        Get-CrmDbObject -Type Table | Where-Object Schema -NE 'public' | Should -BeNullOrEmpty
        $everything = Get-CrmDbObject -Schema * -Type Table
        $everything.Schema | Should -Contain 'crmops_test_auth'
        $everything.Schema | Should -Not -Contain 'pg_catalog'
        (Get-CrmDbObject pg_class -Schema pg_catalog).Type | Should -Be 'Table'
        (Get-CrmRowCount crmops_test_auth.users -Exact).Rows | Should -Be 0
    }

    It 'lists triggers and functions' {
        Invoke-TestSql @'
CREATE OR REPLACE FUNCTION public.crmops_test_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER crmops_test_touch_trg BEFORE UPDATE ON public.customers FOR EACH ROW EXECUTE FUNCTION public.crmops_test_touch();
'@
        (Get-CrmDbObject crmops_test_touch -Type Function).Type | Should -Be 'Function'
        $t = Get-CrmDbObject crmops_test_touch_trg -Type Trigger
        $t.Type | Should -Be 'Trigger'
        $t.Parent | Should -Be 'customers'
    }

    It 'gives ObjectNotFound with a suggestion for an unknown name' {
        $err = $null
        Get-CrmDbObject customer_profile -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ObjectNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'customer_profiles'
    }
}

Describe 'Get-CrmColumn' -Tag Discovery {
    BeforeAll { $script:cols = Get-CrmColumn customer_emails }

    It 'gives customer_emails.id as a bigint identity primary key' {
        $id = $script:cols | Where-Object Name -EQ 'id'
        $id.GetType().FullName | Should -Be 'CrmOps.CrmColumn'
        $id.DataType | Should -Be 'bigint'
        $id.IsPrimaryKey | Should -BeTrue
        $id.IsIdentity | Should -BeTrue
        $id.IsNullable | Should -BeFalse
        $id.Position | Should -Be 1
    }

    It 'gives the foreign-key target of customer_emails.customer_id' {
        ($script:cols | Where-Object Name -EQ 'customer_id').References | Should -Be 'public.customer_profiles(id)'
    }

    It 'prints types and defaults as PostgreSQL does' {
        ($script:cols | Where-Object Name -EQ 'is_primary').Default | Should -Be 'false'
        ($script:cols | Where-Object Name -EQ 'created_at').DataType | Should -Be 'timestamp with time zone'
        ($script:cols | Where-Object Name -EQ 'created_at').Default | Should -Be 'now()'
        $metrics = Get-CrmColumn public.customer_engagement_metrics
        ($metrics | Where-Object Name -EQ 'lifetime_net').DataType | Should -Be 'numeric(12,2)'
        ($metrics | Where-Object Name -EQ 'customer_id').IsPrimaryKey | Should -BeTrue
        (Get-CrmColumn customers | Where-Object Name -EQ 'id').Default | Should -Be 'gen_random_uuid()'
        (Get-CrmColumn orders_htx | Where-Object Name -EQ 'currency').Default | Should -Be "'AUD'::text"
    }

    It 'reads view and materialized view columns' {
        (Get-CrmColumn customer_orders_v).Name | Should -Contain 'purchaser_name'
        (Get-CrmColumn customer_marketing_export).Name | Should -Contain 'lifetime_net'
    }

    It 'takes objects from the pipeline' {
        $c = Get-CrmDbObject customers -Type Table | Get-CrmColumn
        $c.Name | Should -Contain 'full_name'
    }

    It 'suggests customer_profiles for customer_profile' {
        $err = $null
        Get-CrmColumn customer_profile -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ObjectNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'customer_profile'
        $err[0].Exception.Message | Should -Match 'customer_profiles'
    }
}

Describe 'Get-CrmDependency' -Tag Discovery {
    It 'finds upstream tables of customer_marketing_export' {
        $deps = Get-CrmDependency customer_marketing_export
        $deps | Should -Not -BeNullOrEmpty
        $deps[0].GetType().FullName | Should -Be 'CrmOps.CrmDependency'
        $deps.DependsOn | Should -Contain 'customer_profiles'
        $deps.DependsOn | Should -Contain 'customer_emails'
        $deps.DependsOn | Should -Contain 'customer_engagement_metrics'
        ($deps | Where-Object DependsOn -EQ 'customer_profiles').DependsOnType | Should -Be 'Table'
        ($deps | Select-Object -First 1).Type | Should -Be 'MaterializedView'
    }

    It 'walks downstream transitively: orders_htx -> customer_orders_v -> a view on it' {
        $deps = Get-CrmDependency orders_htx -Direction Downstream
        $first = $deps | Where-Object { $_.Name -eq 'customer_orders_v' -and $_.DependsOn -eq 'orders_htx' }
        $first.Depth | Should -Be 1
        $first.Type | Should -Be 'View'
        ($deps | Where-Object Name -EQ 'crmops_test_order_summary_v').Depth | Should -Be 2
        # A materialized view on the view is found the same way (the timeline is one; this file's sandbox has no migrations).
        $mv = $deps | Where-Object Name -EQ 'crmops_test_order_mv'
        $mv.Depth | Should -Be 2
        $mv.Type | Should -Be 'MaterializedView'
        $mv.DependsOn | Should -Be 'customer_orders_v'
    }

    It 'walks upstream transitively through views' {
        $deps = Get-CrmDependency crmops_test_order_summary_v
        ($deps | Where-Object DependsOn -EQ 'customer_orders_v').Depth | Should -Be 1
        ($deps | Where-Object DependsOn -EQ 'orders_htx').Depth | Should -Be 2
        ($deps | Where-Object DependsOn -EQ 'orders_eventbrite').Depth | Should -Be 2
    }

    It 'returns nothing for a table nothing depends on, and an error for an unknown name' {
        Get-CrmDependency orders -Direction Downstream | Should -BeNullOrEmpty
        $err = $null
        Get-CrmDependency customer_order_v -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'customer_orders_v'
    }
}

Describe 'Get-CrmRowCount' -Tag Discovery {
    It 'runs the seed''s investigation in one line: 3-row customers vs the larger customer_profiles' {
        $counts = Get-CrmDbObject -Type Table | Get-CrmRowCount -Exact | Sort-Object Rows
        $counts | Should -Not -BeNullOrEmpty
        $counts[0].GetType().FullName | Should -Be 'CrmOps.CrmRowCount'
        $counts | ForEach-Object { $_.IsExact | Should -BeTrue }
        $customers = $counts | Where-Object Table -EQ 'customers'
        $profiles = $counts | Where-Object Table -EQ 'customer_profiles'
        $customers.Rows | Should -Be 3
        $profiles.Rows | Should -BeGreaterThan $customers.Rows
        ($counts | Where-Object Table -EQ 'orders').Rows | Should -Be 0
        $profiles.Rows | Should -Be 9369
        [array]::IndexOf(@($counts.Table), 'customers') | Should -BeLessThan ([array]::IndexOf(@($counts.Table), 'customer_profiles'))
    }

    It 'gives catalog estimates by default, marked as estimates' {
        $est = Get-CrmRowCount customers, customer_profiles
        $est | ForEach-Object { $_.IsExact | Should -BeFalse }
        ($est | Where-Object Table -EQ 'customers').Rows | Should -Be 3
        (Get-CrmRowCount).Table | Should -Contain 'customer_marketing_export'
    }

    It 'reports a never-refreshed materialized view as unknown with -Exact, and goes on counting the rest' {
        Invoke-TestSql 'CREATE MATERIALIZED VIEW public.crmops_test_unpopulated AS SELECT 1 AS x WITH NO DATA'
        $counts = Get-CrmRowCount crmops_test_unpopulated, customers -Exact -ErrorVariable countErrors
        $countErrors | Should -BeNullOrEmpty
        $mv = $counts | Where-Object Table -EQ 'crmops_test_unpopulated'
        $mv.Rows | Should -BeNullOrEmpty
        $mv.IsExact | Should -BeFalse
        ($counts | Where-Object Table -EQ 'customers').Rows | Should -Be 3
    }

    It 'reports a never-analyzed table as unknown, not -1 or 0' {
        $r = Get-CrmRowCount crmops_test_never_analyzed
        $r.Rows | Should -BeNullOrEmpty
        $r.IsExact | Should -BeFalse
        (Get-CrmRowCount crmops_test_never_analyzed -Exact).Rows | Should -Be 0
    }

    It 'counts views exactly with -Exact' {
        $v = Get-CrmRowCount customer_orders_v -Exact
        $v.Type | Should -Be 'View'
        $v.Rows | Should -BeGreaterThan 0
    }

    It 'accepts wildcards and schema-qualified names' {
        (Get-CrmRowCount 'orders*').Table | Sort-Object | Should -Be @('orders', 'orders_eventbrite', 'orders_htx')
        (Get-CrmRowCount public.customers -Exact).Rows | Should -Be 3
    }

    It 'skips piped objects that have no rows (indexes, sequences, functions)' {
        $err = $null
        $r = Get-CrmDbObject customer* | Get-CrmRowCount -ErrorVariable err
        $err | Should -BeNullOrEmpty
        $r.Table | Should -Contain 'customer_profiles'
        $r.Table | Should -Not -Contain 'customer_emails_pkey'
    }

    It 'streams exact counts for many piped objects' {
        $all = Get-CrmDbObject -Type Table | Get-CrmRowCount -Exact -ProgressAction SilentlyContinue
        $all.Count | Should -Be @(Get-CrmDbObject -Type Table).Count
    }
}

Describe 'Test-CrmRowCount' -Tag Discovery {
    It 'fails the seed''s mistake and passes the real table' {
        $bad = Test-CrmRowCount customers -Minimum 1000
        $bad.GetType().FullName | Should -Be 'CrmOps.CrmCheckResult'
        $bad.Passed | Should -BeFalse
        $bad.Actual | Should -Be '3'
        $bad.Target | Should -Be 'public.customers'
        $bad.Message | Should -Match '3 rows'
        (Test-CrmRowCount customers -Expected 3).Passed | Should -BeTrue
        (Test-CrmRowCount customer_profiles -Minimum 4).Passed | Should -BeTrue
        (Test-CrmRowCount customers -Minimum 1 -Maximum 2).Passed | Should -BeFalse
        (Test-CrmRowCount orders).Passed | Should -BeFalse   # no bounds: at least one row
    }

    It 'returns a bare boolean with -Quiet' {
        Test-CrmRowCount customers -Expected 3 -Quiet | Should -BeTrue
        Test-CrmRowCount customers -Expected 9369 -Quiet | Should -BeFalse
        (Test-CrmRowCount customers -Quiet) | Should -BeOfType [bool]
        Test-CrmRowCount no_such_table -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }
}

Describe 'Test-CrmRowCount failures say what was expected' -Tag Discovery {
    It 'fails <Case>, giving the count and the expectation' -TestCases @(
        @{ Case = 'below -Minimum'; Bounds = @{ Minimum = 4 }; Expected = '>= 4' }
        @{ Case = 'above -Maximum'; Bounds = @{ Maximum = 2 }; Expected = '<= 2' }
        @{ Case = 'not -Expected'; Bounds = @{ Expected = 4 }; Expected = '= 4' }
        @{ Case = 'outside -Minimum and -Maximum'; Bounds = @{ Minimum = 10; Maximum = 20 }; Expected = '>= 10 and <= 20' }
    ) {
        $r = Test-CrmRowCount customers @Bounds
        $r.Passed | Should -BeFalse
        $r.Actual | Should -Be '3'
        $r.Expected | Should -Be $Expected
        $r.Message | Should -Be "public.customers has 3 rows; expected $Expected."
        Test-CrmRowCount customers @Bounds -Quiet | Should -BeFalse
        # The same bounds around the real count pass (so the failure is the bounds' doing).
        (Test-CrmRowCount customers -Minimum 3 -Maximum 3).Passed | Should -BeTrue
    }

    It 'fails an empty table with no bounds (at least one row), and an unknown table with an error' {
        $r = Test-CrmRowCount orders
        $r.Passed | Should -BeFalse
        $r.Expected | Should -Be '>= 1'
        $r.Actual | Should -Be '0'
        $err = $null
        Test-CrmRowCount customerz -Minimum 1 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ObjectNotFound*'
        $err[0].Exception.Message | Should -Match 'customers'
    }
}

Describe '-Schema and -Type' -Tag Discovery {
    BeforeAll {
        # A second 'customers', with 5 rows, in another schema, and a view on it.
        Invoke-TestSql @'
CREATE SCHEMA crmops_test_crm;
CREATE TABLE crmops_test_crm.customers (id int);
INSERT INTO crmops_test_crm.customers SELECT generate_series(1, 5);
CREATE VIEW crmops_test_crm.customers_v AS SELECT id FROM crmops_test_crm.customers;
ANALYZE crmops_test_crm.customers;
'@
    }

    It 'Get-CrmRowCount -Schema counts the table of that schema' {
        $r = Get-CrmRowCount customers -Schema crmops_test_crm -Exact
        $r.Schema | Should -Be 'crmops_test_crm'
        $r.Rows | Should -Be 5
        (Get-CrmRowCount customers -Schema crmops_test_crm).Rows | Should -Be 5 -Because 'analyzed: the estimate is exact'
        $both = Get-CrmRowCount customers -Schema 'crmops_test_*', public -Exact | Sort-Object Schema
        $both.Schema | Should -Be @('crmops_test_crm', 'public')
        $both.Rows | Should -Be @(5, 3)
    }

    It 'Test-CrmRowCount -Schema checks the table of that schema' {
        $r = Test-CrmRowCount customers -Schema crmops_test_crm -Expected 5
        $r.Passed | Should -BeTrue
        $r.Target | Should -Be 'crmops_test_crm.customers'
        (Test-CrmRowCount customers -Expected 5).Passed | Should -BeFalse -Because 'public.customers has 3'
        Test-CrmRowCount customers -Schema no_such_schema -Minimum 0 -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'Get-CrmDependency -Schema walks from the object of that schema' {
        $down = Get-CrmDependency customers -Schema crmops_test_crm -Direction Downstream
        $down.Name | Should -Be 'customers_v'
        $down.Schema | Should -Be 'crmops_test_crm'
        (Get-CrmDependency customers_v -Schema crmops_test_crm).DependsOn | Should -Be 'customers'
        Get-CrmDependency customers -Direction Downstream | Where-Object Name -EQ 'customers_v' | Should -BeNullOrEmpty
    }

    It 'Get-CrmRowCount -Type skips objects that have no rows and counts those that do' {
        $err = $null
        Get-CrmRowCount customer_emails_pkey -Type Index -ErrorVariable err | Should -BeNullOrEmpty
        $err | Should -BeNullOrEmpty
        (Get-CrmRowCount customers -Type Table -Exact).Rows | Should -Be 3
        # Without -Type the index is looked up as a table and not found: -Type is what skips it.
        Get-CrmRowCount customer_emails_pkey -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'CrmOps.ObjectNotFound*'
    }
}

Describe 'Identifiers are only names' -Tag Discovery {
    It 'does not run <Name>' -ForEach @(
        @{ Name = 'customers; DROP TABLE orders' }
        @{ Name = 'customers"; DROP TABLE orders; --' }
        @{ Name = "customers'; DROP TABLE orders; --" }
    ) {
        $err = $null
        Get-CrmRowCount $Name -Exact -ErrorVariable +err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-CrmColumn $Name -ErrorVariable +err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-CrmDependency $Name -ErrorVariable +err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Test-CrmRowCount $Name -ErrorVariable +err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 4
        $err | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
        (Get-CrmDbObject orders -Type Table).Name | Should -Be 'orders'
        (Get-CrmRowCount orders -Exact).Rows | Should -Be 0
    }

    It 'counts a table whose name needs quoting' {
        Invoke-TestSql 'CREATE TABLE public."Odd Name; x" (id int); INSERT INTO public."Odd Name; x" VALUES (1), (2);'
        (Get-CrmRowCount 'Odd Name; x' -Exact).Rows | Should -Be 2
        (Get-CrmColumn 'Odd Name; x').Name | Should -Be 'id'
    }
}

Describe 'A role with only USAGE and SELECT' -Tag Discovery {
    BeforeAll { $script:ro = Connect-CrmDatabase $script:ReaderConnectionString -NoDefault }

    It 'connects as the reader' { $script:ro.Username | Should -Be $script:Reader }

    It 'can run every discovery command' {
        (Get-CrmDbObject -Connection $script:ro).Name | Should -Contain 'customer_profiles'
        (Get-CrmColumn customer_emails -Connection $script:ro | Where-Object Name -EQ 'customer_id').References | Should -Be 'public.customer_profiles(id)'
        (Get-CrmDependency customer_marketing_export -Connection $script:ro).DependsOn | Should -Contain 'customer_profiles'
        (Get-CrmRowCount customers -Connection $script:ro).Rows | Should -Be 3
        (Get-CrmRowCount customers -Exact -Connection $script:ro).Rows | Should -Be 3
        Test-CrmRowCount customers -Expected 3 -Quiet -Connection $script:ro | Should -BeTrue
    }

    It 'cannot write (sanity check of the role)' {
        { Invoke-TestSql "SET ROLE $script:Reader; CREATE TABLE public.crmops_test_reader_wrote (id int)" } | Should -Throw
    }
}

Describe 'Tab completion of table names' -Tag Discovery {
    It 'completes from the session default connection' {
        $r = TabExpansion2 -inputScript 'Get-CrmColumn customer_e' -cursorColumn 24
        $r.CompletionMatches.CompletionText | Should -Contain 'customer_emails'
        $r.CompletionMatches.CompletionText | Should -Contain 'customer_engagement_metrics'
        $r = TabExpansion2 -inputScript 'Get-CrmRowCount -Table orders_' -cursorColumn 30
        $r.CompletionMatches.CompletionText | Sort-Object | Should -Be @('orders_eventbrite', 'orders_htx')
    }

    It 'offers nothing without a session default connection' {
        Disconnect-CrmDatabase
        try {
            $r = TabExpansion2 -inputScript 'Get-CrmColumn customer_e' -cursorColumn 24
            @($r.CompletionMatches | Where-Object ResultType -EQ 'ParameterValue').Count | Should -Be 0
        }
        finally { Connect-CrmDatabase $script:ConnectionString | Out-Null }
    }

    It 'quotes names that need it' {
        $r = TabExpansion2 -inputScript 'Get-CrmColumn Odd' -cursorColumn 17
        $r.CompletionMatches.CompletionText | Should -Contain "'Odd Name; x'"
    }
}
