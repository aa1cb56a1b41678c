-- Whether scoring-yield.sql can do its work: setting deadlock_timeout needs superuser rights or PostgreSQL 15's
-- GRANT SET ON PARAMETER deadlock_timeout (a hosted Supabase project's postgres has neither). Also the server's value.
select has_parameter_privilege('deadlock_timeout', 'SET'), current_setting('deadlock_timeout'), current_user::text;
