@{
    Synopsis    = 'Applies pending migrations in version order, each in one transaction with its history row, under a database lock.'
    Description = @'
Invoke-CrmMigration applies the pending (and rolled-back) migrations of a set in version order. Before anything runs it refuses: applied files whose checksum changed (MigrationModified), pending versions older than the newest applied one (MigrationOutOfOrder, unless -AllowOutOfOrder), and unmet -- crmops:require-rows guards, checked with exact row counts (MigrationRequirementFailed): the guard against the seed's mistake of migrating a 3-row test table instead of the real one.

Each migration runs in its own transaction together with its history rows (crmops.migration_history, and supabase_migrations.schema_migrations in Supabase's format when that table exists): a failed statement, a killed connection or Ctrl+C leave no partial schema and no history row, and the next run retries cleanly. Verify scripts (verify/<same name>, queries returning one boolean each) run inside that transaction; a false or failing one rolls the migration back. Migrations marked -- crmops:no-transaction run statement by statement and their history row says so.

Concurrent runs are serialised by a transaction-level advisory lock (pg_try_advisory_xact_lock, retried up to -LockWait), which also works through PgBouncer or Supabase's pooler in transaction mode; after taking the lock each run re-reads the history, so every migration is applied exactly once. Every statement runs with lock_timeout (-LockTimeout), so a migration never queues the production workload behind itself; the error names the lock and who holds it.

With -WhatIf, prints the plan instead: each pending migration, its statements, every existing table it touches (ALTER TABLE, CREATE INDEX/TRIGGER ... ON, UPDATE, DELETE FROM, INSERT INTO, DROP TABLE, TRUNCATE) with its exact row count, and a warning for tables with fewer than 10 rows (likely test data). It outputs CrmMigrationResult objects with Status Planned.

Before anything runs, the pending migrations are also linted against the live database (the rules of Test-CrmMigration -Lint: table sizes, locks, rewrites, dependents, Data API exposure). A migration with an Error finding is refused (MigrationLintRefused; the message names the rule, the file and line, and the allow directive) unless its file accepts the rule with a header line -- crmops:allow <rule> <reason>, or -Force is given; nothing changes. Warnings are written as warnings, Info as verbose text. With -WhatIf each CrmMigrationResult carries its Findings, and a migration that would be refused has Status Refused.
'@
    Parameters  = @{
        Path            = 'The folder that holds migrations/ (Supabase''s layout). Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn         = 'Uses the migration set that ships with the module (module/migrations under the module root).'
        Target          = 'Applies pending migrations up to and including this 14-digit version.'
        LockTimeout     = 'How long any statement may wait for a table lock before the migration is rolled back (lock_timeout). A TimeSpan or a number of seconds. Default: 5 seconds.'
        LockWait        = 'How long to wait for another migration run to finish (the advisory lock) before failing with MigrationRunInProgress. A TimeSpan or a number of seconds. Default: 30 seconds.'
        AllowOutOfOrder = 'Applies pending migrations even when they are older than the newest applied one.'
        Force           = 'Applies without asking for confirmation, and applies migrations with lint Errors that their files do not allow (each is written as a warning).'
    }
    Examples    = @(
        @{ Title = 'See the plan first'; Code = 'Invoke-CrmMigration -Path ./supabase -WhatIf'; Remarks = 'Lists each pending migration, its statements and the tables it touches with exact row counts, and warns about tables with fewer than 10 rows.' }
        @{ Title = 'Apply, with a short lock timeout'; Code = 'Invoke-CrmMigration -Path ./supabase -LockTimeout 2 -Verbose'; Remarks = 'Applies every pending migration; a statement that would wait more than 2 s for a lock rolls its migration back and names the lock.' }
        @{ Title = 'Apply the built-in set'; Code = 'Invoke-CrmMigration -BuiltIn -WhatIf'; Remarks = 'Plans the migrations that ship with CrmOps.' }
        @{ Title = 'Read the lint findings of the plan'; Code = 'Invoke-CrmMigration -WhatIf | ForEach-Object Findings | Format-Table Severity, Rule, File, Line, Object, Rows, Lock'; Remarks = 'What each statement would do to the live tables, before anything runs.' }
    )
    Links       = @('Undo-CrmMigration', 'Test-CrmMigration', 'Get-CrmMigration', 'Set-CrmMigrationState')
}
