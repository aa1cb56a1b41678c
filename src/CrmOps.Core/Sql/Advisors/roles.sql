-- Get-CrmAdvisory: whether Supabase's API roles exist (the exposure lints 0010, 0013 and 0016 ask what anon and
-- authenticated may select) and which schemas PostgREST serves on this database, if it says (pgrst.db_schemas).
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon')
   AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') AS has_api_roles,
       pg_catalog.current_setting('pgrst.db_schemas', true) AS db_schemas;
