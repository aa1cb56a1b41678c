-- The module's own migration history, created on demand (inside the migration's transaction, under the advisory lock).
create schema if not exists crmops;
create table if not exists crmops.migration_history (
    id            bigint generated always as identity primary key,
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
create index if not exists migration_history_version_idx on crmops.migration_history (version, id desc);
comment on table crmops.migration_history is 'CrmOps migration history: one row per up/down run (or Set-CrmMigrationState mark); the latest successful row of a version is its state.';
