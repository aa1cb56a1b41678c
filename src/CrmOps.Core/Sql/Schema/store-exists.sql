-- Whether the snapshot table exists, and whether this role may read it (catalog lookups: to_regclass errors
-- without USAGE on the schema). $1: schema, $2: table.
select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2),
       coalesce((select has_schema_privilege(n.oid, 'USAGE') and has_table_privilege(c.oid, 'SELECT')
                   from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2), false),
       current_user::text;
