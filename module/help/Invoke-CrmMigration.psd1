@{
    Synopsis    = 'Applies pending migrations in version order, each in one transaction with its history row, under a database lock.'
    Description = @'
Invoke-CrmMigration applies the pending (and rolled-back) migrations of a set in version order. Before anything runs it refuses: applied files whose checksum changed (MigrationModified), pending versions older than the newest applied one (MigrationOutOfOrder, unless -AllowOutOfOrder), and unmet -- crmops:require-rows guards, checked with exact row counts (MigrationRequirementFailed): the guard against the seed's mistake of migrating a 3-row test table instead of the real one.

Each migration runs in its own transaction together with its history rows (crmops.migration_history, and supabase_migrations.schema_migrations in Supabase's format when that table exists): a failed statement, a killed connection or Ctrl+C leave no partial schema and no history row, and the next run retries cleanly.

Transaction control in a file: a plain BEGIN (or BEGIN TRANSACTION, START TRANSACTION) as the first statement and COMMIT (or END) as the last, the wrapper of many hand-written Supabase migrations, is accepted and ignored: the body runs in CrmOps' transaction. Any other transaction control in an up, rollback or verify script (COMMIT or ROLLBACK in the middle, COMMIT AND CHAIN, SAVEPOINT, RELEASE, ROLLBACK TO, PREPARE TRANSACTION, SET TRANSACTION, BEGIN with isolation modes, a BEGIN never committed) is refused before anything runs (MigrationTransactionControl), naming the file and line. Files are split the way psql splits them (a semicolon inside parentheses, as in CREATE RULE ... DO ALSO (...; ...), does not end a statement); COPY ... FROM STDIN and psql meta-commands are refused: a migration is plain SQL.

Verify scripts (verify/<same name>) run inside that transaction. Each query must return exactly one row with one boolean column, and it must be true: false, NULL, the text 'true', a number, no row or several rows fail the migration and roll it back, with a message saying what came back (for a condition over many rows write select bool_and(<condition>) from ...).

Directives are comment lines at the top of the up (or rollback) script: -- crmops:require-rows <table> >= <n> and -- crmops:no-transaction. A comment that looks like a directive but is not one exactly (a space after the colon, a /* */ comment, a missing crmops: prefix) is refused with its line, never taken for a plain comment. Guards in a rollback script are checked before Undo-CrmMigration runs it.

Migrations marked -- crmops:no-transaction (CREATE INDEX CONCURRENTLY and the like) run statement by statement, under a session-level advisory lock held on a connection of its own for the whole run, so two runs never both apply one. A start row is written to the history before the first statement: if the run fails, is stopped or its process is killed, the migration is Incomplete (Get-CrmMigration shows it), the statements that ran stay applied and the error says so first, and Invoke-CrmMigration refuses to run it again blindly (MigrationIncomplete) until Set-CrmMigrationState records what you settled. Through a transaction-mode pooler (port 6543, Pooler=transaction) such migrations are refused before anything runs (MigrationNoTransactionPooled): connect directly or through Supabase's session pooler (port 5432) for them.

Concurrent runs are serialised by an advisory lock (pg_try_advisory_xact_lock per migration, retried up to -LockWait), which also works through PgBouncer or Supabase's pooler in transaction mode; after taking the lock each run re-reads the history, so every migration is applied exactly once. Every statement runs with lock_timeout (-LockTimeout), applied again after each statement, so it holds for the whole migration whatever the file sets (reset all, SET lock_timeout = 0, pg_dump's header): a migration never queues the production workload behind itself, and the error names the lock and who holds it. After the file's statements, every setting, role and session authorization it changed is reset, so nothing it set outlives it on the connection (through a pooler it would reach other clients), and the verify queries and history rows run as the connecting role.

With -WhatIf, prints the plan instead: each pending migration, its statements, every existing table it touches (ALTER TABLE, CREATE INDEX/TRIGGER ... ON, UPDATE, DELETE FROM, INSERT INTO, DROP TABLE, TRUNCATE) with its exact row count, and a warning for tables with fewer than 10 rows (likely test data). It outputs CrmMigrationResult objects with Status Planned.
'@
    Parameters  = @{
        Path            = 'The folder that holds migrations/ (Supabase''s layout). Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn         = 'Uses the migration set that ships with the module (module/migrations under the module root).'
        Target          = 'Applies pending migrations up to and including this 14-digit version.'
        LockTimeout     = 'How long any statement may wait for a table lock before the migration is rolled back (lock_timeout), whatever the file sets. A TimeSpan or a number of seconds, more than 0 (0 would mean no limit to PostgreSQL) and at most 1 hour. Default: 5 seconds.'
        LockWait        = 'How long to wait for another migration run to finish (the advisory lock) before failing with MigrationRunInProgress. A TimeSpan or a number of seconds. Default: 30 seconds.'
        AllowOutOfOrder = 'Applies pending migrations even when they are older than the newest applied one.'
        Force           = 'Applies without asking for confirmation.'
    }
    Examples    = @(
        @{ Title = 'See the plan first'; Code = 'Invoke-CrmMigration -Path ./supabase -WhatIf'; Remarks = 'Lists each pending migration, its statements and the tables it touches with exact row counts, and warns about tables with fewer than 10 rows.' }
        @{ Title = 'Apply, with a short lock timeout'; Code = 'Invoke-CrmMigration -Path ./supabase -LockTimeout 2 -Verbose'; Remarks = 'Applies every pending migration; a statement that would wait more than 2 s for a lock rolls its migration back and names the lock.' }
        @{ Title = 'Apply the built-in set'; Code = 'Invoke-CrmMigration -BuiltIn -WhatIf'; Remarks = 'Plans the migrations that ship with CrmOps.' }
        @{ Title = 'A verify query over many rows'; Code = "Set-Content ./supabase/verify/20250301120000_backfill.sql 'select bool_and(lead_score between 6 and 30) from public.customer_profiles;'"; Remarks = 'A verify query returns one row with one boolean: bool_and folds a condition over every row; a query returning several rows, or the text ''true'', fails the migration.' }
    )
    Links       = @('Undo-CrmMigration', 'Test-CrmMigration', 'Get-CrmMigration', 'Set-CrmMigrationState')
}
