-- Test-CrmMigration -Lint: what the lint needs to know of the session and the server: do Supabase's API roles
-- exist, which schemas PostgREST serves (pgrst.db_schemas, as splinter reads it), the schema unqualified new
-- objects go to, the TimeZone (timestamp <-> timestamptz rewrites unless it is UTC) and the server version.
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'anon') AS has_anon,
       EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') AS has_authenticated,
       pg_catalog.current_setting('pgrst.db_schemas', true) AS db_schemas,
       pg_catalog.current_schema()::text AS current_schema,
       pg_catalog.current_setting('TimeZone') AS time_zone,
       pg_catalog.current_setting('server_version_num')::int AS server_version;
