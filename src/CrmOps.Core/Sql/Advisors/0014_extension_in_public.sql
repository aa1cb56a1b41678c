-- Get-CrmAdvisory: splinter's lint 0014_extension_in_public (supabase/splinter lints/0014_extension_in_public.sql at 55db5b1), computed the way splinter
-- computes it. Columns: name, title, level, categories, description, detail, remediation, schema, object,
-- cache_key. 
SELECT 'extension_in_public' AS name,
       'Extension in Public' AS title,
       'WARN' AS level,
       ARRAY['SECURITY'] AS categories,
       'Detects extensions installed in the `public` schema.' AS description,
       format('Extension `%s` is installed in the public schema. Move it to another schema.', pe.extname) AS detail,
       format('CREATE SCHEMA IF NOT EXISTS extensions; ALTER EXTENSION %I SET SCHEMA extensions; (where the extension is relocatable; else drop and create it there). https://supabase.com/docs/guides/database/database-linter?lint=0014_extension_in_public',
              pe.extname) AS remediation,
       pe.extnamespace::regnamespace::text AS schema_name,
       pe.extname::text AS object_name,
       format('extension_in_public_%s', pe.extname) AS cache_key
  FROM pg_catalog.pg_extension pe
 WHERE pe.extname NOT IN ('plpgsql') -- plpgsql is installed in public by default, outside the user's control
   AND pe.extnamespace::regnamespace::text = 'public'
 ORDER BY 9;
