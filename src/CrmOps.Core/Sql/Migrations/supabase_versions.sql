select version::text from supabase_migrations.schema_migrations;
