-- A rollback or Set-CrmMigrationState -State RolledBack, as `supabase migration repair --status reverted` deletes
-- (apps/cli-go/pkg/migration/history.go:20 DELETE_MIGRATION_VERSION, repair.go:78).
DELETE FROM supabase_migrations.schema_migrations WHERE version = ANY($1);
