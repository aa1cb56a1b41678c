-- lint-case: where the role's default privileges expose nothing (a schema of its own), an explicit GRANT to anon does
-- database: supabase
-- expect: table-without-rls Error
CREATE SCHEMA api;
CREATE TABLE api.events (id bigint PRIMARY KEY, name text);
CREATE TABLE api.internal (id bigint PRIMARY KEY);
GRANT USAGE ON SCHEMA api TO anon;
GRANT SELECT ON api.events TO anon;
