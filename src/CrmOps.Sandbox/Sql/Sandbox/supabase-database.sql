-- What every database of the Supabase-shaped sandbox holds (run as supabase_admin in database postgres, where the
-- CRM goes, and in template1, so that databases created later look the same). Sources (supabase/postgres):
-- migrations/db/init-scripts/00000000000000-initial-schema.sql (extensions schema, API grants, the default
-- privileges in public: run there as postgres, here "for role postgres"), 00000000000001-auth-schema.sql
-- (auth schema, auth.uid()/auth.role()/auth.email()), migrations/db/migrations/10000000000000_demote-postgres.sql.

-- Extension namespacing.
create schema if not exists extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant all on schema extensions to postgres;

-- The API roles see public, and everything postgres (or supabase_admin) creates there.
grant usage on schema public to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public grant all on sequences to postgres, anon, authenticated, service_role;

-- auth: enough for RLS policies to compile (auth.uid(), auth.role(), auth.jwt(), auth.users).
create schema if not exists auth authorization supabase_admin;
create table if not exists auth.users (
    instance_id        uuid,
    id                 uuid not null primary key,
    aud                varchar(255),
    role               varchar(255),
    email              varchar(255) unique,
    raw_app_meta_data  jsonb,
    raw_user_meta_data jsonb,
    created_at         timestamptz,
    updated_at         timestamptz
);
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
                  (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'))::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                  nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
grant usage on schema auth to anon, authenticated, service_role, postgres;
grant select on auth.users to postgres;

-- The schema PostgREST serves besides public (pgrst.db_schemas = 'public, graphql_public').
create schema if not exists graphql_public authorization supabase_admin;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;
