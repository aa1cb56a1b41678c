-- Test-CrmMigration -Lint: the schemas in which a table or materialized view this role creates is readable by
-- anon, authenticated or PUBLIC through the role's default privileges (Supabase grants ALL on new tables in public
-- to the API roles this way). An empty schema name is the role's global default.
SELECT DISTINCT coalesce(n.nspname::text, '') AS schema_name, coalesce(r.rolname::text, 'public') AS grantee
  FROM pg_catalog.pg_default_acl d
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
 CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a
  LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
 WHERE d.defaclrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)
   AND d.defaclobjtype = 'r'
   AND a.privilege_type = 'SELECT'
   AND (a.grantee = 0 OR r.rolname IN ('anon', 'authenticated'));
