-- CrmOps' bookkeeping (migration history, refresh log, scoring runs, score changes), created on first use in schema
-- supabase_migrations: every path of Supabase's CLI leaves that schema out (db diff/pull: internal/db/diff/migra.go
-- managedSchemas, pkg/migration/drop.go ManagedSchemas with queries/list.sql; db dump: pkg/migration/dump.go
-- InternalSchemas; db lint and the advisors), and its reset paths (pkg/migration/queries/drop.sql) keep the schema
-- and only truncate its tables, together with the public objects the history describes. Tables of an older CrmOps
-- (schema crmops) move here with their rows. Serialised by a transaction-level advisory lock (works through a
-- transaction-mode pooler); idempotent.
select pg_advisory_xact_lock(hashtext('crmops:bookkeeping')::bigint);
create schema if not exists supabase_migrations;
-- (Catalog lookups, not to_regclass: on PostgreSQL 15 to_regclass raises an error when the schema does not exist.)
do $$
begin
    if exists (select 1 from pg_class where relnamespace = (select oid from pg_namespace where nspname = 'crmops') and relname = 'migration_history')
       and not exists (select 1 from pg_class where relnamespace = 'supabase_migrations'::regnamespace and relname = 'crmops_migration_history') then
        alter table crmops.migration_history rename to crmops_migration_history;
        alter table crmops.crmops_migration_history set schema supabase_migrations;
    end if;
    if exists (select 1 from pg_class where relnamespace = (select oid from pg_namespace where nspname = 'crmops') and relname = 'refresh_log')
       and not exists (select 1 from pg_class where relnamespace = 'supabase_migrations'::regnamespace and relname = 'crmops_refresh_log') then
        alter table crmops.refresh_log rename to crmops_refresh_log;
        alter table crmops.crmops_refresh_log set schema supabase_migrations;
    end if;
    if exists (select 1 from pg_class where relnamespace = (select oid from pg_namespace where nspname = 'crmops') and relname = 'scoring_runs')
       and not exists (select 1 from pg_class where relnamespace = 'supabase_migrations'::regnamespace and relname = 'crmops_scoring_runs') then
        alter table crmops.scoring_runs rename to crmops_scoring_runs;
        alter table crmops.crmops_scoring_runs set schema supabase_migrations;
    end if;
    if exists (select 1 from pg_class where relnamespace = (select oid from pg_namespace where nspname = 'crmops') and relname = 'score_changes')
       and not exists (select 1 from pg_class where relnamespace = 'supabase_migrations'::regnamespace and relname = 'crmops_score_changes') then
        alter table crmops.score_changes rename to crmops_score_changes;
        alter table crmops.crmops_score_changes set schema supabase_migrations;
    end if;
    -- Their indexes came along: give them the names this file uses.
    alter index if exists supabase_migrations.migration_history_version_idx rename to crmops_migration_history_version_idx;
    alter index if exists supabase_migrations.refresh_log_view_started rename to crmops_refresh_log_view_started;
    alter index if exists supabase_migrations.scoring_runs_started rename to crmops_scoring_runs_started;
    alter index if exists supabase_migrations.score_changes_run rename to crmops_score_changes_run;
    alter index if exists supabase_migrations.score_changes_recorded rename to crmops_score_changes_recorded;
    -- The old schema goes when nothing else is left in it.
    if exists (select 1 from pg_namespace where nspname = 'crmops')
       and not exists (select 1 from pg_class where relnamespace = (select oid from pg_namespace where nspname = 'crmops'))
       and not exists (select 1 from pg_proc where pronamespace = (select oid from pg_namespace where nspname = 'crmops'))
       and not exists (select 1 from pg_type where typnamespace = (select oid from pg_namespace where nspname = 'crmops'))
       and pg_has_role((select nspowner from pg_namespace where nspname = 'crmops'), 'USAGE') then
        drop schema crmops;
    end if;
end $$;

create table if not exists supabase_migrations.crmops_migration_history (
    id            bigint      generated always as identity primary key,
    version       text        not null,
    name          text        not null,
    checksum      text,
    direction     text        not null check (direction in ('up', 'down')),
    applied_at    timestamptz not null default now(),
    applied_by    text        not null default current_user,
    client        text,
    duration      interval,
    success       boolean     not null,
    transactional boolean     not null default true,
    mode          text        not null default 'run' check (mode in ('run', 'marked')),
    statements    integer,
    message       text
);
-- Which migration set a row belongs to: 'builtin' (Invoke-CrmMigration -BuiltIn) or 'project' (a -Path folder).
-- Rows of an older CrmOps have none until the migration engine classifies them (classify.sql).
alter table supabase_migrations.crmops_migration_history add column if not exists migration_set text;
-- A built-in row adopted into the project's folder (New-CrmMigration -FromBuiltIn): the project version that took it over.
alter table supabase_migrations.crmops_migration_history add column if not exists adopted_as text;
create index if not exists crmops_migration_history_version_idx on supabase_migrations.crmops_migration_history (version, id desc);
comment on table supabase_migrations.crmops_migration_history is 'CrmOps migration history: one row per up/down run (or Set-CrmMigrationState mark) of the built-in set or a project folder; the latest successful row of a version and set is its state.';

create table if not exists supabase_migrations.crmops_refresh_log (
    id          bigint      generated always as identity primary key,
    view_name   text        not null,
    mode        text        not null,
    status      text        not null,
    rows_before bigint,
    rows_after  bigint,
    started_at  timestamptz not null,
    duration_ms bigint      not null,
    message     text,
    run_by      text        not null default current_user
);
create index if not exists crmops_refresh_log_view_started on supabase_migrations.crmops_refresh_log (view_name, started_at desc);
comment on table supabase_migrations.crmops_refresh_log is 'Every materialized view refresh made by Invoke-CrmTimelineRefresh: mode, status, rows before and after, duration.';

create table if not exists supabase_migrations.crmops_scoring_runs (
    id          bigint      generated always as identity primary key,
    as_of       timestamptz not null,
    started_at  timestamptz not null,
    duration_ms bigint      not null,
    mode        text        not null,
    customers   bigint      not null,
    changed     bigint      not null,
    hot         bigint      not null,
    warm        bigint      not null,
    cool        bigint      not null,
    cold        bigint      not null,
    average     numeric(6,2),
    run_by      text        not null default current_user
);
create index if not exists crmops_scoring_runs_started on supabase_migrations.crmops_scoring_runs (started_at desc);
comment on table supabase_migrations.crmops_scoring_runs is 'Every Update-CrmLeadScore run: as-of instant, customers per segment, rows changed, duration.';

-- Who started each entry: Manual (a cmdlet, or the SQL functions called by hand) or Scheduled (a pg_cron job of
-- Register-CrmSchedule, named in schedule); scoring runs that failed are logged too (status, message). The built-in
-- migration 20261126150030 adds the same columns.
alter table supabase_migrations.crmops_refresh_log
    add column if not exists trigger  text not null default 'Manual',
    add column if not exists schedule text;
alter table supabase_migrations.crmops_scoring_runs
    add column if not exists trigger  text not null default 'Manual',
    add column if not exists schedule text,
    add column if not exists status   text not null default 'Succeeded',
    add column if not exists message  text;
comment on table supabase_migrations.crmops_refresh_log is 'Every materialized view refresh made by Invoke-CrmTimelineRefresh or a Register-CrmSchedule job: mode, status, rows before and after, duration, trigger.';
comment on table supabase_migrations.crmops_scoring_runs is 'Every Update-CrmLeadScore or scheduled scoring run: as-of instant, customers per segment, rows changed, duration, trigger, status.';

-- One row per customer whose score a scoring run changed, written by the scoring statement itself (Update-CrmLeadScore's
-- scoring-*.sql and the SQL functions of the built-in migration 20261126174000); read by Get-CrmLeadMovement.
create table if not exists supabase_migrations.crmops_score_changes (
    run_started timestamptz not null,
    as_of       timestamptz not null,
    customer_id uuid        not null,
    old_score   integer,
    new_score   integer,
    old_segment text generated always as (case when old_score >= 24 then 'Hot' when old_score >= 18 then 'Warm'
                                               when old_score >= 12 then 'Cool' when old_score is not null then 'Cold' end) stored,
    new_segment text generated always as (case when new_score >= 24 then 'Hot' when new_score >= 18 then 'Warm'
                                               when new_score >= 12 then 'Cool' when new_score is not null then 'Cold' end) stored
);
create index if not exists crmops_score_changes_run on supabase_migrations.crmops_score_changes (as_of, run_started);
create index if not exists crmops_score_changes_recorded on supabase_migrations.crmops_score_changes (run_started);
comment on table supabase_migrations.crmops_score_changes is 'One row per customer whose lead score a scoring run changed: the run (started, as of), old and new score and segment. Kept -KeepDays (default 400) days.';
