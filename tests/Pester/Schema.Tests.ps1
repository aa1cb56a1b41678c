#requires -Version 7.4
# Schema drift and diff (issue 17): Compare-CrmSchema (drift against the snapshot recorded by the last migration,
# two databases, snapshots and files, replayed migration sets), New-CrmMigration -FromDiff, Set-CrmMigrationState
# -Baseline, Get-/Export-CrmSchemaSnapshot and Test-CrmDatabase's SchemaMatchesMigrations. Changes are made by hand
# through psql, as a DBA in the dashboard's SQL editor would; psql is also the oracle for definitions.

BeforeDiscovery {
    $pgShare = @(Get-ChildItem '/usr/share/postgresql/*/extension/pg_trgm.control' -ErrorAction Ignore)
    $script:NoContrib = if ($pgShare.Count -eq 0) { 'the pg_trgm extension (postgresql-contrib) is not installed' } else { $null }
}

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/../../CrmOps.psd1" -Force
    $script:Sandboxes = [System.Collections.Generic.List[object]]::new()
    function script:New-Sandbox([switch] $Data) {
        $s = if ($Data) { Start-CrmSandbox -Customers 200 -NoDefault } else { Start-CrmSandbox -Empty -NoDefault }
        $script:Sandboxes.Add($s)
        $s
    }
    # One line per difference, everything a user sees (to compare two comparisons).
    function script:Format-Differences($Differences) {
        @($Differences | ForEach-Object { "$($_.ObjectType)|$($_.Name)|$($_.Change)|$($_.Property)|$($_.Reference)|$($_.Difference)" })
    }
    # A definition as PostgreSQL gives it with an empty search_path (what CrmOps compares), read by psql.
    function script:Get-ViewDefinition($Sandbox, [string] $View) {
        (Invoke-TestSql $Sandbox "set search_path = ''; select pg_get_viewdef('public.$View'::regclass, true);") -join "`n"
    }
}

AfterAll {
    foreach ($s in $script:Sandboxes) { Stop-CrmSandbox $s -Confirm:$false }
}

Describe 'Compare-CrmSchema: drift against the snapshot of the last migration' -Tag Schema {
    BeforeAll {
        $script:sb = New-Sandbox -Data
        Invoke-CrmMigration -BuiltIn -Connection $sb -Confirm:$false | Out-Null
        $script:flatBefore = Get-ViewDefinition $sb 'customers_flat_v'
        $script:flatSql = (Invoke-TestSql $sb "select 'create or replace view public.customers_flat_v as ' || pg_get_viewdef('public.customers_flat_v'::regclass)") -join "`n"
    }

    It 'records a snapshot in the migration''s transaction, one per migration, and finds no drift right after' {
        $recorded = @(Get-CrmSchemaSnapshot -Connection $sb)
        $builtIn = Get-BuiltInMigrations
        $recorded.Count | Should -Be $builtIn.Count
        $recorded[0].Version | Should -Be $builtIn[-1].Version
        $recorded[0].Source | Should -Be 'Migration'
        # Same transaction: the snapshot's time is the history row's (now() of the transaction).
        Invoke-TestSql $sb "select count(*) from supabase_migrations.crmops_schema_snapshots s join supabase_migrations.crmops_migration_history h on h.version = s.version and h.applied_at = s.taken_at" | Should -Be $builtIn.Count
        @(Compare-CrmSchema -Connection $sb) | Should -BeNullOrEmpty
        (Test-CrmDatabase -Connection $sb | Where-Object Check -eq 'SchemaMatchesMigrations').Passed | Should -BeTrue
    }

    It 'reports a column added by hand as exactly that column, Added' {
        Invoke-TestSql $sb 'ALTER TABLE customer_profiles ADD COLUMN notes text' | Out-Null
        $d = @(Compare-CrmSchema -Connection $sb)
        $d.Count | Should -Be 1
        $d[0].GetType().FullName | Should -Be 'CrmOps.CrmSchemaDifference'
        $d[0].ObjectType | Should -Be 'Column'
        $d[0].Name | Should -Be 'public.customer_profiles.notes'
        $d[0].Change | Should -Be 'Added'
        $d[0].Difference | Should -Be 'text'
        $d[0].Up | Should -Be 'ALTER TABLE public.customer_profiles ADD COLUMN notes text;'
        $d[0].Down | Should -Be 'ALTER TABLE public.customer_profiles DROP COLUMN notes;'
        $check = Test-CrmDatabase -Connection $sb | Where-Object Check -eq 'SchemaMatchesMigrations'
        $check.Passed | Should -BeFalse
        $check.Message | Should -Match 'public\.customer_profiles\.notes'
    }

    It 'reports a view body changed by hand as Changed, with both definitions' {
        Invoke-TestSql $sb @'
CREATE OR REPLACE VIEW customers_flat_v AS
SELECT p.id AS customer_id, p.canonical_full_name, e.email AS primary_email,
       coalesce(m.lifetime_orders, 0) AS lifetime_orders, coalesce(m.lifetime_net, 0)::numeric(12,2) AS lifetime_net,
       m.first_order_at, m.last_order_at, p.created_at
  FROM customer_profiles p
  LEFT JOIN customer_emails e ON e.customer_id = p.id AND e.is_primary
  LEFT JOIN customer_engagement_metrics m ON m.customer_id = p.id
 WHERE p.canonical_full_name <> ''
'@ | Out-Null
        $d = @(Compare-CrmSchema -Connection $sb)
        $d.Count | Should -Be 2
        $view = $d | Where-Object ObjectType -eq 'View'
        $view.Name | Should -Be 'public.customers_flat_v'
        $view.Change | Should -Be 'Changed'
        $view.Property | Should -Be 'Definition'
        $view.Reference | Should -Be $flatBefore
        $view.Difference | Should -Be (Get-ViewDefinition $sb 'customers_flat_v')
        $view.Difference | Should -Match "canonical_full_name <> ''"
        $view.Up | Should -Match '^CREATE OR REPLACE VIEW public\.customers_flat_v AS'
        ($d | Where-Object ObjectType -eq 'Column').Name | Should -Be 'public.customer_profiles.notes'
    }

    It 'reports nothing once both are undone by hand, and ignores cosmetic differences in a function body' {
        Invoke-TestSql $sb "ALTER TABLE customer_profiles DROP COLUMN notes; $flatSql" | Out-Null
        # The scoring rules again (as the built-in migrations left them), in another layout, case and with a comment: the same function.
        $create = (Invoke-TestSql $sb "select pg_get_functiondef(p.oid) from pg_proc p where p.proname = 'lead_score_components' and p.pronamespace = 'public'::regnamespace") -join "`n"
        $create | Should -Match 'CREATE OR REPLACE FUNCTION'
        $cosmetic = ($create -replace 'CREATE OR REPLACE FUNCTION', 'create or replace function' -replace '(?m)^AS \$function\$', "AS `$function`$`n-- the rules, another layout" -replace '\bTHEN\b', 'then' -replace '\n\s+', "`n  ") + ';'
        Invoke-TestSql $sb $cosmetic | Out-Null
        @(Compare-CrmSchema -Connection $sb) | Should -BeNullOrEmpty
        (Test-CrmDatabase -Connection $sb | Where-Object Check -eq 'SchemaMatchesMigrations').Passed | Should -BeTrue

        # A real change to the same body is one: 30 days becomes 31.
        Invoke-TestSql $sb ($create -replace 'CREATE FUNCTION', 'create or replace function' -replace "interval '30 days'", "interval '31 days'") | Out-Null
        $d = @(Compare-CrmSchema -Connection $sb)
        $d.Count | Should -Be 1
        "$($d.ObjectType) $($d.Name) $($d.Change) $($d.Property)" | Should -Be 'Function public.lead_score_components(p_last_order_at timestamp with time zone, p_lifetime_orders integer, p_lifetime_net numeric, p_as_of timestamp with time zone) Changed Definition'
        $d.Reference | Should -Match "interval '30 days'"
        $d.Difference | Should -Match "interval '31 days'"
        Invoke-TestSql $sb $cosmetic | Out-Null
        @(Compare-CrmSchema -Connection $sb) | Should -BeNullOrEmpty
    }

    It 'says which migrations were applied since the snapshot without CrmOps' {
        Invoke-TestSql $sb "insert into supabase_migrations.crmops_migration_history (version, name, direction, success) values ('20990101000000', 'by_hand', 'up', true)" | Out-Null
        try {
            $warnings = $null
            $null = Compare-CrmSchema -Connection $sb -WarningVariable warnings 3> $null
            "$warnings" | Should -Match '20990101000000 applied without CrmOps'
        }
        finally { Invoke-TestSql $sb "delete from supabase_migrations.crmops_migration_history where version = '20990101000000'" | Out-Null }
    }

    It 'tells a role that may not read the snapshots which grant it needs, and changes nothing' {
        Invoke-TestSql $sb "create role drift_nosnap login password 'Nosnap-pw-1'; grant usage on schema supabase_migrations to drift_nosnap;" | Out-Null
        $cs = "Host=127.0.0.1;Port=$($sb.Port);Username=drift_nosnap;Password=Nosnap-pw-1;Database=$($sb.Database)"
        $before = Get-TestDatabaseState $sb
        $err = $null
        try { Get-CrmSchemaSnapshot -Connection $cs -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'CrmOps.SchemaSnapshotPermissionDenied,*'
        "$err" | Should -Match ([regex]::Escape('GRANT SELECT ON "supabase_migrations"."crmops_schema_snapshots" TO "drift_nosnap";'))
        "$err" | Should -Not -Match 'Nosnap-pw-1'
        { Compare-CrmSchema -Connection $cs -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.SchemaSnapshotPermissionDenied,*'
        $state = Get-TestDatabaseState $sb
        $state.Schema | Should -Be $before.Schema
        $state.Counts | Should -Be $before.Counts
        Invoke-TestSql $sb 'drop owned by drift_nosnap; drop role drift_nosnap;' | Out-Null
    }

    It 'records the schema after a rollback too, so undoing the built-in migrations is not drift' {
        Undo-CrmMigration -BuiltIn -Connection $sb -Confirm:$false | Out-Null
        (Get-CrmSchemaSnapshot -Connection $sb -Last 1).Direction | Should -Be 'Down'
        @(Compare-CrmSchema -Connection $sb) | Should -BeNullOrEmpty
        Invoke-CrmMigration -BuiltIn -Connection $sb -Confirm:$false | Out-Null
        @(Compare-CrmSchema -Connection $sb) | Should -BeNullOrEmpty
    }
}

Describe 'Compare-CrmSchema: two databases' -Tag Schema {
    BeforeAll {
        $script:a = New-Sandbox
        $script:b = New-Sandbox
        foreach ($s in $a, $b) { Invoke-TestSql $s "create role crm_reader; grant select on customer_profiles to crm_reader;" | Out-Null }
    }

    It 'finds nothing between two copies of the same schema' {
        @(Compare-CrmSchema -Reference $a -Difference $b) | Should -BeNullOrEmpty
    }

    It 'reports an extra index and a different grant, and nothing else' {
        Invoke-TestSql $b 'create index customer_emails_created_at on customer_emails (created_at); grant update on customer_profiles to crm_reader;' | Out-Null
        $d = @(Compare-CrmSchema -Reference $a -Difference $b)
        $d.Count | Should -Be 2
        $index = $d | Where-Object ObjectType -eq 'Index'
        $index.Name | Should -Be 'public.customer_emails_created_at'
        $index.Change | Should -Be 'Added'
        $index.Difference | Should -Be (Invoke-TestSql $b "set search_path = ''; select pg_get_indexdef('public.customer_emails_created_at'::regclass)")
        $grant = $d | Where-Object ObjectType -eq 'Grant'
        $grant.Name | Should -Be 'public.customer_profiles to crm_reader'
        $grant.Change | Should -Be 'Changed'
        $grant.Property | Should -Be 'Privileges'
        $grant.Reference | Should -Be 'SELECT'
        $grant.Difference | Should -Be 'SELECT, UPDATE'
        # The other way round: Removed, and the grant's values swap.
        $back = @(Compare-CrmSchema -Reference $b -Difference $a)
        ($back | Where-Object ObjectType -eq 'Index').Change | Should -Be 'Removed'
        ($back | Where-Object ObjectType -eq 'Grant').Difference | Should -Be 'SELECT'
    }

    It 'takes connection strings, snapshots and snapshot files for either side' {
        $file = Join-Path $TestDrive 'a.json.gz'
        $saved = Export-CrmSchemaSnapshot $file -Connection $a
        $saved.FullName | Should -Be $file
        [IO.File]::ReadAllBytes($file)[0..1] | Should -Be @(0x1f, 0x8b)
        $plain = Export-CrmSchemaSnapshot (Join-Path $TestDrive 'a.json') -Connection $a
        (Get-Content $plain.FullName -Raw | ConvertFrom-Json).format | Should -Be 1
        $expected = Format-Differences (Compare-CrmSchema -Reference $a -Difference $b)
        Format-Differences (Compare-CrmSchema -Reference $file -Difference $b.ConnectionString) | Should -Be $expected
        Format-Differences (Compare-CrmSchema -Reference (Get-CrmSchemaSnapshot -Path $plain.FullName) -Difference (Get-CrmSchemaSnapshot -Live -Connection $b)) | Should -Be $expected
        { Export-CrmSchemaSnapshot $file -Connection $a -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.ExportFileExists,*'
        # -Force overwrites it, here with a given snapshot (-InputObject: b's); -WhatIf writes nothing.
        $over = Export-CrmSchemaSnapshot $file -InputObject (Get-CrmSchemaSnapshot -Live -Connection $b) -Force -Connection $a
        $over.FullName | Should -Be $file
        @(Compare-CrmSchema -Reference $file -Difference $b).Count | Should -Be 0 -Because 'the file now holds b''s schema'
        @(Compare-CrmSchema -Reference $file -Difference $a).Count | Should -BeGreaterThan 0
        $whatIf = Join-Path $TestDrive 'whatif.json.gz'
        Export-CrmSchemaSnapshot $whatIf -Connection $a -WhatIf | Should -BeNullOrEmpty
        Test-Path $whatIf | Should -BeFalse
    }

    It 'refuses what is not a schema, changing nothing' {
        { Compare-CrmSchema -Reference 'no-such-file.json' -Difference $b -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.SchemaSourceNotFound,*'
        { Compare-CrmSchema -Reference 42 -Difference $b -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.SchemaSourceInvalid,*'
        $bad = Join-Path $TestDrive 'bad.json'
        Set-Content $bad '{"hello": 1}'
        { Compare-CrmSchema -Reference $bad -Difference $b -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.SchemaSnapshotInvalid,*'
        { Compare-CrmSchema -Connection $a -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.SchemaSnapshotNotRecorded,*'
    }

    It 'leaves the platform''s objects out unless -IncludePlatform, but keeps a project''s own triggers and policies in auth' -Skip:([bool]$NoContrib) {
        Invoke-TestSql $b @'
create extension pg_trgm;
create schema auth;
create table auth.users (id uuid primary key, email text);
alter table auth.users enable row level security;
create policy own_row on auth.users for select using (id = id);
create schema crmops;
create table crmops.extra_log (id int);
'@ | Out-Null
        try {
            $d = @(Compare-CrmSchema -Reference $a -Difference $b)
            $names = $d | ForEach-Object { "$($_.ObjectType) $($_.Name)" }
            $names | Should -Contain 'Extension pg_trgm'
            $names | Should -Contain 'Policy auth.users.own_row'
            @($names | Where-Object { $_ -like 'Function *' -or $_ -like '* crmops*' -or $_ -like 'Table auth.*' -or $_ -like 'Schema *' }) | Should -BeNullOrEmpty
            $all = @(Compare-CrmSchema -Reference $a -Difference $b -IncludePlatform) | ForEach-Object { "$($_.ObjectType) $($_.Name)" }
            $all | Should -Contain 'Table auth.users'
            $all | Should -Contain 'Table crmops.extra_log'
            $all | Should -Contain 'Function public.similarity(text, text)'
            $all.Count | Should -BeGreaterThan ($names.Count + 10)
        }
        finally {
            Invoke-TestSql $b 'drop extension pg_trgm; drop schema auth cascade; drop schema crmops cascade;' | Out-Null
        }
    }
}

Describe 'New-CrmMigration -FromDiff' -Tag Schema {
    BeforeAll {
        $script:a = New-Sandbox
        $script:b = New-Sandbox
        foreach ($s in $a, $b) {
            Invoke-TestSql $s @'
create role crm_reader;
grant select on customer_profiles to crm_reader;
create index customer_emails_created_at on customer_emails (created_at);
create table public.notes (id serial primary key, customer_id uuid references customer_profiles (id), body text not null);
create function public.note_count(c uuid) returns bigint language sql stable as $$ select count(*) from public.notes where customer_id = c $$;
create unique index customer_marketing_export_customer on customer_marketing_export (customer_id);
create type public.channel as enum ('email', 'sms');
create table public.legacy_import (id int primary key, payload jsonb);
create index legacy_import_payload on public.legacy_import using gin (payload);
'@ | Out-Null
        }
        # b: what a's schema should become. Added, removed and changed objects of every kind -FromDiff handles.
        Invoke-TestSql $b @'
grant select, update on customer_profiles to crm_reader;
grant select (email) on customer_emails to crm_reader;
drop index customer_emails_created_at;
create index customer_emails_email_prefix on customer_emails (left(email, 3));
alter table customer_profiles add column notes text not null default '';
alter table customer_profiles alter column phone type varchar(40);
alter table customer_profiles alter column first_name set default 'n/a';
comment on column customer_profiles.last_name is 'Family name';
comment on table customer_profiles is 'People';
create domain public.score as integer check (value between 0 and 100);
create table loyalty_cards (id bigint generated always as identity primary key, customer_id uuid not null references customer_profiles (id), tier public.channel not null, points public.score default 0, issued_at timestamptz default now());
create index loyalty_cards_customer on loyalty_cards (customer_id);
alter table loyalty_cards enable row level security;
alter table loyalty_cards force row level security;
create policy cards_read on loyalty_cards for select to crm_reader using (tier = 'email');
create function touch_issued() returns trigger language plpgsql as $$ begin new.issued_at := now(); return new; end $$;
create trigger loyalty_cards_touch before update on loyalty_cards for each row execute function touch_issued();
alter table loyalty_cards disable trigger loyalty_cards_touch;
create or replace function public.note_count(c uuid) returns bigint language sql stable as $$ select count(*) from public.notes where customer_id = c and body <> '' $$;
revoke execute on function public.note_count(uuid) from public;
drop table public.notes cascade;
create table public.notes (id serial primary key, customer_id uuid references customer_profiles (id), body text not null, pinned boolean not null default false);
create or replace function public.note_count(c uuid) returns bigint language sql stable as $$ select count(*) from public.notes where customer_id = c and body <> '' $$;
revoke execute on function public.note_count(uuid) from public;
drop materialized view customer_marketing_export;
create materialized view customer_marketing_export as
  select p.id as customer_id, p.canonical_full_name as full_name, e.email, coalesce(m.lifetime_orders, 0) as lifetime_orders
    from customer_profiles p left join customer_emails e on e.customer_id = p.id and e.is_primary
    left join customer_engagement_metrics m on m.customer_id = p.id;
create unique index customer_marketing_export_customer on customer_marketing_export (customer_id);
grant select on customer_marketing_export to crm_reader;
create or replace view customers_flat_v as
  select p.id as customer_id, p.canonical_full_name, e.email as primary_email, coalesce(m.lifetime_orders, 0) as lifetime_orders,
         coalesce(m.lifetime_net, 0)::numeric(12,2) as lifetime_net, m.first_order_at, m.last_order_at, p.created_at
    from customer_profiles p left join customer_emails e on e.customer_id = p.id and e.is_primary
    left join customer_engagement_metrics m on m.customer_id = p.id where p.canonical_full_name <> '';
create sequence invoice_no start 1000;
drop table public.legacy_import;
create table public.tags (id serial primary key, label text unique, created_at timestamptz default now());
grant select, insert on public.tags to crm_reader;
grant usage on sequence public.tags_id_seq to crm_reader;
comment on column public.tags.label is 'Shown in the CRM';
'@ | Out-Null
        $script:first = @(Compare-CrmSchema -Reference $a -Difference $b)
        $script:set = Join-Path $TestDrive 'sync'
        $script:migration = $first | New-CrmMigration -FromDiff -Name sync -Path $set -Confirm:$false
    }

    It 'writes a migration and its rollback from the differences' {
        $first.Count | Should -BeGreaterThan 15
        $migration.GetType().FullName | Should -Be 'CrmOps.CrmMigration'
        $migration.Name | Should -Be 'sync'
        $migration.HasRollback | Should -BeTrue
        $up = Get-Content $migration.Path -Raw
        $up | Should -Match 'CREATE TABLE public\.loyalty_cards'
        $up | Should -Match 'ALTER TABLE public\.customer_profiles ADD COLUMN notes text DEFAULT '''''
        $up | Should -Not -Match 'TODO'
        # Drops come before the creates that need the names.
        $up.IndexOf('DROP MATERIALIZED VIEW public.customer_marketing_export') | Should -BeLessThan $up.IndexOf('CREATE MATERIALIZED VIEW public.customer_marketing_export')
        (Get-Content $migration.RollbackPath -Raw) | Should -Match 'DROP TABLE public\.loyalty_cards'
    }

    It 'passes Test-CrmMigration -RoundTrip on the reference' {
        $r = @(Test-CrmMigration -Path $set -RoundTrip -Connection $a)
        $r.Count | Should -Be 1
        $r[0].Passed | Should -BeTrue -Because $r[0].Message
    }

    It 'applied to the reference, makes the comparison empty; its rollback restores the first comparison' {
        $applied = Invoke-CrmMigration -Path $set -Connection $a -Confirm:$false
        $applied.Status | Should -Be 'Applied'
        $after = @(Compare-CrmSchema -Reference $a -Difference $b)
        Format-Differences $after | Should -BeNullOrEmpty
        Undo-CrmMigration -Path $set -Connection $a -Confirm:$false | Select-Object -ExpandProperty Status | Should -Be 'RolledBack'
        Format-Differences (Compare-CrmSchema -Reference $a -Difference $b) | Should -Be (Format-Differences $first)
    }

    It 'writes a TODO comment, never a guessed statement, for what PostgreSQL gives no definition of' {
        $c = New-Sandbox
        Invoke-TestSql $c @'
create type public.channel as enum ('email', 'sms', 'push');
create table parent_t (id int);
create table child_t (extra int) inherits (parent_t);
create aggregate public.total(int) (sfunc = int4pl, stype = int);
'@ | Out-Null
        $d = @(Compare-CrmSchema -Reference $a -Difference $c | Where-Object Name -in 'public.child_t', 'public.total(integer)', 'public.channel')
        $d.Count | Should -Be 3
        $warnings = $null
        $m = $d | New-CrmMigration -FromDiff -Name with_todo -Path (Join-Path $TestDrive 'todo') -Confirm:$false -WarningVariable warnings 3> $null
        "$warnings" | Should -Match '3 step\(s\) are TODO'
        $up = Get-Content $m.Path -Raw
        $up | Should -Match '-- TODO: table public\.child_t: inherits from public\.parent_t'
        $up | Should -Match '-- TODO: function public\.total\(integer\): an aggregate'
        $up | Should -Not -Match 'CREATE TABLE public\.child_t'
        # An enum gains a label going up; it cannot lose one coming down.
        $up | Should -Match ([regex]::Escape("ALTER TYPE public.channel ADD VALUE 'push';"))
        Get-Content $m.RollbackPath -Raw | Should -Match ([regex]::Escape("-- TODO: type public.channel: Labels changes from 'email', 'sms', 'push' to 'email', 'sms'"))
    }

    It 'takes the differences as -InputObject as well as from the pipeline, writing the same statements' {
        $byParameter = New-CrmMigration -FromDiff -Name sync -Path (Join-Path $TestDrive 'by-parameter') -InputObject $first -Confirm:$false
        $statements = { param($p) @(Get-Content $p | Where-Object { $_ -and $_ -notmatch '^--' }) }
        $lines = & $statements $byParameter.Path
        $lines.Count | Should -BeGreaterThan 0
        $lines | Should -Be (& $statements $script:migration.Path)
        & $statements $byParameter.RollbackPath | Should -Be (& $statements $script:migration.RollbackPath)
    }

    It 'writes nothing, with a warning, when there is no difference; and -WhatIf writes nothing' {
        $folder = Join-Path $TestDrive 'empty'
        $warnings = $null
        @() | New-CrmMigration -FromDiff -Name nothing -Path $folder -WarningVariable warnings 3> $null | Should -BeNullOrEmpty
        "$warnings" | Should -Match 'no migration was written'
        Test-Path $folder | Should -BeFalse
        $first | New-CrmMigration -FromDiff -Name whatif -Path $folder -WhatIf | Should -BeNullOrEmpty
        Test-Path $folder | Should -BeFalse
    }
}

Describe 'Compare-CrmSchema: migration sets replayed into a throwaway sandbox' -Tag Schema {
    BeforeAll {
        $script:m = New-Sandbox -Data
        Invoke-CrmMigration -BuiltIn -Connection $m -Confirm:$false | Out-Null
    }

    It 'finds a database migrated with the built-in set equal to the set replayed, and leaves no sandbox behind' {
        # The replay's sandbox goes to a temp folder of this test's own (other test runs share /tmp).
        $tmp = Join-Path $TestDrive 'tmp'
        New-Item -ItemType Directory $tmp | Out-Null
        $old = $env:TMPDIR
        $env:TMPDIR = $tmp
        try {
            $out = @(Compare-CrmSchema -BuiltIn -Connection $m -Verbose 4>&1)
            @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "Replayed '*' up to $((Get-BuiltInMigrations)[-1].Version) onto the sample CRM's schema*" }).Count | Should -Be 1
            @($out | Where-Object { $_ -is [CrmOps.CrmSchemaDifference] }) | Should -BeNullOrEmpty
        }
        finally { $env:TMPDIR = $old }
        @(Get-ChildItem $tmp -Force) | Should -BeNullOrEmpty
    }

    It 'replays up to -Target: what the later migration made is what differs' {
        $d = @(Compare-CrmSchema -BuiltIn -Target 20250115100000 -Connection $m)
        $added = $d | Where-Object Change -eq 'Added' | ForEach-Object { "$($_.ObjectType) $($_.Name)" }
        $added | Should -Contain 'Column public.customer_profiles.lead_score'
        $added | Should -Contain 'Trigger public.customer_profiles.calculate_customer_profile_lead_score'
        $added | Should -Contain 'Index public.idx_customer_profiles_lead_score'
        @($d | Where-Object Change -ne 'Added') | Should -BeNullOrEmpty
        # What the later migrations leave: 5 columns with 4 check constraints, 3 functions, 2 triggers, and 3 indexes
        # (the second creates 4; 20250115100010 drops the one that duplicated another).
        @($d | Where-Object ObjectType -eq 'Column').Count | Should -Be 5
        @($d | Where-Object ObjectType -eq 'Function').Count | Should -Be 3
        @($d | Where-Object ObjectType -eq 'Constraint').Count | Should -Be 4
        @($d | Where-Object ObjectType -eq 'Trigger').Count | Should -Be 2
        @($d | Where-Object ObjectType -eq 'Index').Count | Should -Be 3
    }

    It 'replays a folder onto an empty database and says where a script fails' {
        $folder = Join-Path $TestDrive 'needs-crm'
        New-Item -ItemType Directory "$folder/migrations" | Out-Null
        Set-Content "$folder/migrations/20250101000000_add.sql" 'alter table customer_profiles add column x int;'
        { Compare-CrmSchema -Path $folder -Connection $m -ErrorAction Stop } | Should -Throw -ErrorId 'CrmOps.SchemaReplayFailed,*'
        $d = @(Compare-CrmSchema -Path $folder -ReplayOnto SampleCrm -Connection $m -IncludePlatform:$false)
        ($d | Where-Object Name -eq 'public.customer_profiles.x').Change | Should -Be 'Removed'
    }
}

Describe 'Set-CrmMigrationState -Baseline and Test-CrmDatabase SchemaMatchesMigrations' -Tag Schema {
    It 'skips the check with a reason until a baseline, then reports hand changes' {
        $s = New-Sandbox -Data
        $check = Test-CrmDatabase -Connection $s | Where-Object Check -eq 'SchemaMatchesMigrations'
        $check.Skipped | Should -BeTrue
        $check.Passed | Should -BeTrue
        $check.Message | Should -Match 'Set-CrmMigrationState -Baseline'
        Set-CrmMigrationState -Baseline -Connection $s -WhatIf | Should -BeNullOrEmpty
        Invoke-TestSql $s "select to_regclass('supabase_migrations.crmops_schema_snapshots') is null" | Should -Be 't'
        $baseline = Set-CrmMigrationState -Baseline -Connection $s -Confirm:$false
        $baseline.Source | Should -Be 'Baseline'
        $baseline.Objects | Should -BeGreaterThan 50
        Invoke-TestSql $s "select count(*) from supabase_migrations.crmops_schema_snapshots where source = 'baseline'" | Should -Be 1
        $check = Test-CrmDatabase -Connection $s | Where-Object Check -eq 'SchemaMatchesMigrations'
        $check.Skipped | Should -BeFalse
        $check.Passed | Should -BeTrue
        Invoke-TestSql $s 'drop index idx_customer_emails_customer_id' | Out-Null
        $check = Test-CrmDatabase -Connection $s | Where-Object Check -eq 'SchemaMatchesMigrations'
        $check.Passed | Should -BeFalse
        $check.Message | Should -Match 'Index public\.idx_customer_emails_customer_id Removed'
        (Test-CrmDatabase -Connection $s -Quiet) | Should -BeFalse
    }
}
