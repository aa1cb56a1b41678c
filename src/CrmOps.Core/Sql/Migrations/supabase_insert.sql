-- Supabase CLI's format: one row per applied version, with its name and statements.
insert into supabase_migrations.schema_migrations (version, name, statements)
values ($1, $2, $3)
on conflict (version) do update set name = excluded.name, statements = excluded.statements;
