-- Older Supabase history tables have only the version column.
insert into supabase_migrations.schema_migrations (version) values ($1) on conflict (version) do nothing;
