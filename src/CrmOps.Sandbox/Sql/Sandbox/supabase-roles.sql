-- The roles of a hosted Supabase project (PostgreSQL 15), created once in the Supabase-shaped sandbox's
-- cached template cluster, connected as the bootstrap superuser supabase_admin (initdb -U supabase_admin,
-- as supabase/postgres Dockerfile-15: ENV POSTGRES_USER=supabase_admin).
-- Sources (supabase/postgres): migrations/db/migrate.sh (postgres created, then owns database postgres),
-- migrations/db/init-scripts/00000000000000-initial-schema.sql (API roles, timeouts),
-- migrations/db/migrations/10000000000000_demote-postgres.sql (postgres: NOSUPERUSER CREATEDB CREATEROLE LOGIN
-- REPLICATION BYPASSRLS), 20230529180330_alter_api_roles_for_inherit.sql (API roles inherit),
-- init-scripts/00000000000003-post-setup.sql (postgres' search_path), and a pg_dumpall of a PG15 project
-- (memberships: anon, authenticated, service_role, pg_monitor, pg_read_all_data, pg_signal_backend to postgres).
create role postgres nosuperuser createdb createrole login replication bypassrls;
alter role postgres set search_path to "$user", public, extensions;
alter database postgres owner to postgres;

create role anon nologin inherit;
create role authenticated nologin inherit;
create role service_role nologin inherit bypassrls;
create role authenticator login noinherit;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
grant pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
alter role supabase_admin set search_path to "$user", public, auth, extensions;
