-- Set-CrmMigrationState -State Applied, as `supabase migration repair --status applied` writes it
-- (apps/cli-go/pkg/migration/history.go:19 UPSERT_MIGRATION_VERSION, used by internal/migration/repair/repair.go:74).
INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES($1, $2, $3)
ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, statements = EXCLUDED.statements;
