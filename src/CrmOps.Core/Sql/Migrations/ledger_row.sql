-- One ledger row (name and statements), to compare with what a run would have written.
select coalesce(name, '') as name, statements from supabase_migrations.schema_migrations where version = $1;
