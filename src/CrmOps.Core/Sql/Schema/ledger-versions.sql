-- The versions in Supabase's ledger (a database where CrmOps' history does not exist yet); appended to
-- applied-versions.sql after "union" when both exist.
select version from supabase_migrations.schema_migrations
