select to_regclass('crmops.migration_history') is not null as crmops,
       to_regclass('supabase_migrations.schema_migrations') is not null as supabase,
       exists (select 1 from information_schema.columns
               where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' and column_name = 'name') as supabase_name,
       exists (select 1 from information_schema.columns
               where table_schema = 'supabase_migrations' and table_name = 'schema_migrations' and column_name = 'statements') as supabase_statements;
