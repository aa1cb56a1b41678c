-- The CLI's insert (apps/cli-go/pkg/migration/history.go:18 INSERT_MIGRATION_VERSION), except that a row another
-- client (the CLI, the dashboard) committed meanwhile is never overwritten: no row back means the caller compares
-- the row that is there (ledger_row.sql) and refuses when it differs.
INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES($1, $2, $3)
ON CONFLICT (version) DO NOTHING
RETURNING version;
