-- Supabase's ledger, created exactly as the CLI creates it (apps/cli-go/pkg/migration/history.go:14-17,
-- CreateMigrationTable at :31), inside the migration's transaction. The CLI's SET lock_timeout = '4s' (history.go:13)
-- is left out: this transaction already has CrmOps' lock_timeout, and a session SET would outlive the transaction
-- behind a transaction-mode pooler.
CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);
ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];
ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text;
