@{
    Synopsis    = 'Rolls back applied migrations, newest first, each in a transaction with its history row.'
    Description = @'
Undo-CrmMigration runs the rollback scripts (rollbacks/<same file name>) of applied migrations, newest first: the newest -Count (default 1), or every applied version newer than -Target. Each runs in its own transaction, under the same advisory lock and lock_timeout as Invoke-CrmMigration, together with a history row with direction down; for a project folder, Supabase's ledger row is removed in the same transaction (as `supabase migration repair --status reverted` does). Only the chosen set is rolled back: undoing the built-in set never touches a project folder's migrations, and the other way round. It refuses when CrmOps' history and Supabase's ledger disagree (MigrationConflict). When any of the selected migrations has no rollback script (or no file at all), it refuses before anything runs (MigrationRollbackMissing); so it does when a rollback script has no statement to run, such as New-CrmMigration's untouched template (MigrationRollbackEmpty), when a -- crmops:require-rows guard at the top of a rollback is not met (MigrationRequirementFailed), and while a migration is Incomplete (MigrationIncomplete). A BEGIN ... COMMIT wrapper around a rollback is accepted; any other transaction control in it is refused. A rollback headed -- crmops:no-transaction runs statement by statement like such a migration. -WhatIf lists the rollbacks and the tables they touch with row counts.
'@
    Parameters  = @{
        Path        = 'The folder that holds migrations/ and rollbacks/. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn     = 'Uses the migration set that ships with the module.'
        Count       = 'How many applied migrations to roll back, newest first. Default: 1.'
        Target      = 'Rolls back every applied migration newer than this version; the target itself stays applied.'
        LockTimeout = 'How long any statement may wait for a table lock (lock_timeout), whatever the rollback sets. A TimeSpan or a number of seconds, more than 0 and at most 1 hour. Default: 5 seconds.'
        LockWait    = 'How long to wait for another migration run to finish. A TimeSpan or a number of seconds. Default: 30 seconds.'
        Force       = 'Rolls back without asking for confirmation.'
    }
    Examples    = @(
        @{ Title = 'Undo the last migration'; Code = 'Undo-CrmMigration -Path ./supabase'; Remarks = 'Asks for confirmation, then runs the newest applied migration''s rollback.' }
        @{ Title = 'Back to a version'; Code = 'Undo-CrmMigration -Target 20250115100000 -Confirm:$false'; Remarks = 'Rolls back every migration applied after 20250115100000, newest first.' }
    )
    Links       = @('Invoke-CrmMigration', 'Get-CrmMigration')
}
