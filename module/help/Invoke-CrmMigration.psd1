@{
    Synopsis    = 'Applies pending migrations in version order, each in one transaction with its history row, under a database lock.'
    Description = @'
Invoke-CrmMigration applies the pending (and rolled-back) migrations of a set in version order. Before anything runs it refuses: migrations about which CrmOps' history and Supabase's ledger disagree (MigrationConflict: the error names each disagreement and the Set-CrmMigrationState calls that settle it), applied files whose checksum changed (MigrationModified), pending versions older than the newest applied one (MigrationOutOfOrder, unless -AllowOutOfOrder), and unmet -- crmops:require-rows guards, checked with exact row counts (MigrationRequirementFailed): the guard against the seed's mistake of migrating a 3-row test table instead of the real one.

The built-in set (-BuiltIn) and a project folder (-Path) are judged each on its own: CrmOps' history records which set each row belongs to, so neither reports the other's migrations as Missing, and applying, undoing or marking one never touches the other. A project folder shares Supabase's migration ledger (supabase_migrations.schema_migrations) with the Supabase CLI (see -Ledger); the built-in set never writes it.

Each migration runs in its own transaction together with its history rows (CrmOps' supabase_migrations.crmops_migration_history and, for a project folder, the ledger row exactly as the CLI writes it: version and name from the file name, the statements as the CLI splits the file, comments included; the ledger is created as the CLI creates it when the folder is a Supabase project). A ledger row another client committed meanwhile is never overwritten: the run stops with LedgerConflict and rolls back. A role without USAGE on schema supabase_migrations gets LedgerPermissionDenied naming the GRANT, before anything changes: a failed statement, a killed connection or Ctrl+C leave no partial schema and no history row, and the next run retries cleanly. Verify scripts (verify/<same name>, queries returning one boolean each) run inside that transaction; a false or failing one rolls the migration back. Migrations marked -- crmops:no-transaction run statement by statement and their history row says so.

Concurrent runs are serialised by a transaction-level advisory lock (pg_try_advisory_xact_lock, retried up to -LockWait), which also works through PgBouncer or Supabase's pooler in transaction mode; after taking the lock each run re-reads the history, so every migration is applied exactly once. Every statement runs with lock_timeout (-LockTimeout), so a migration never queues the production workload behind itself; the error names the lock and who holds it.

With -WhatIf, prints the plan instead: each pending migration, its statements, every existing table it touches (ALTER TABLE, CREATE INDEX/TRIGGER ... ON, UPDATE, DELETE FROM, INSERT INTO, DROP TABLE, TRUNCATE) with its exact row count, and a warning for tables with fewer than 10 rows (likely test data). It outputs CrmMigrationResult objects with Status Planned.
'@
    Parameters  = @{
        Path            = 'The folder that holds migrations/ (Supabase''s layout). Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn         = 'Uses the migration set that ships with the module (module/migrations under the module root).'
        Target          = 'Applies pending migrations up to and including this version (the digits before the first _ of the file name).'
        LockTimeout     = 'How long any statement may wait for a table lock before the migration is rolled back (lock_timeout). A TimeSpan or a number of seconds. Default: 5 seconds.'
        LockWait        = 'How long to wait for another migration run to finish (the advisory lock) before failing with MigrationRunInProgress. A TimeSpan or a number of seconds. Default: 30 seconds.'
        AllowOutOfOrder = 'Applies pending migrations even when they are older than the newest applied one.'
        Force           = 'Applies without asking for confirmation.'
    }
    Examples    = @(
        @{ Title = 'See the plan first'; Code = 'Invoke-CrmMigration -Path ./supabase -WhatIf'; Remarks = 'Lists each pending migration, its statements and the tables it touches with exact row counts, and warns about tables with fewer than 10 rows.' }
        @{ Title = 'Apply, with a short lock timeout'; Code = 'Invoke-CrmMigration -Path ./supabase -LockTimeout 2 -Verbose'; Remarks = 'Applies every pending migration; a statement that would wait more than 2 s for a lock rolls its migration back and names the lock.' }
        @{ Title = 'Apply the built-in set'; Code = 'Invoke-CrmMigration -BuiltIn -WhatIf'; Remarks = 'Plans the migrations that ship with CrmOps.' }
        @{ Title = 'A Supabase project: the CLI sees the same state'; Code = "Invoke-CrmMigration -Path ./supabase -Confirm:`$false   # supabase/config.toml beside migrations/: the ledger is written as the CLI writes it`nsupabase migration list"; Remarks = 'Applies the project''s migrations and records them in supabase_migrations.schema_migrations; `supabase migration list` shows them applied and `supabase db push` does not run them again.' }
    )
    Links       = @('Undo-CrmMigration', 'Test-CrmMigration', 'Get-CrmMigration', 'Set-CrmMigrationState')
}
