-- CrmOps' recorded schema snapshots, beside the migration history (created on demand, in the migration's transaction).
create schema if not exists {schema};
create table if not exists {table} (
    id             bigint      generated always as identity primary key,
    taken_at       timestamptz not null default now(),
    taken_by       text        not null default current_user,
    client         text,
    source         text        not null check (source in ('migration', 'marked', 'baseline')),
    version        text,
    direction      text        check (direction in ('up', 'down')),
    applied        text[]      not null,
    server_version text        not null,
    objects        integer     not null,
    digest         text        not null,
    format         integer     not null,
    snapshot       bytea       not null
);
comment on table {table} is 'CrmOps schema snapshots: the schema as it was right after each migration CrmOps ran, marked or baselined (gzip JSON). Compare-CrmSchema compares the database with the newest one.';
