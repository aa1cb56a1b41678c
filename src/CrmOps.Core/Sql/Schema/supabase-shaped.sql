-- Whether a database is shaped like a Supabase project: Supabase's API roles exist (anon, authenticated, service_role).
-- A migration set replayed to compare with it must then run where Supabase's default privileges apply too.
select count(*) = 3 from pg_roles where rolname in ('anon', 'authenticated', 'service_role');
