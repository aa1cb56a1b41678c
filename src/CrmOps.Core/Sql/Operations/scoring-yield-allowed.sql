-- How scoring can yield to applications. scoring-yield.sql lowers deadlock_timeout, which needs superuser rights or
-- PostgreSQL 15's GRANT SET ON PARAMETER deadlock_timeout (a hosted Supabase project's postgres has neither); without
-- them scoring yields by short lock waits instead. Also the server's deadlock_timeout (its text and milliseconds).
select has_parameter_privilege('deadlock_timeout', 'SET'),
       current_setting('deadlock_timeout'),
       current_user::text,
       (extract(epoch from current_setting('deadlock_timeout')::interval) * 1000)::bigint;
