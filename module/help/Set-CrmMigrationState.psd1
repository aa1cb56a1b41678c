@{
    Synopsis    = 'Marks a migration applied or rolled back without running it.'
    Description = @'
Set-CrmMigrationState records a migration as Applied or RolledBack in CrmOps' history (mode marked) and in Supabase's schema_migrations when that table exists, without running any of its statements: for a change that was made by hand, or applied by another tool. It takes the same advisory lock as a migration run.

It is also how an Incomplete migration is settled: a run without a transaction (-- crmops:no-transaction) that failed, was stopped or whose process was killed leaves its statements partly applied, and Invoke-CrmMigration refuses it until you record the outcome. Look at what it did, finish or undo the rest by hand, then mark it Applied (it is complete now) or RolledBack (it is undone; the next Invoke-CrmMigration runs it again).

-State RolledBack on a migration that is not applied (Pending, or rolled back already) records nothing: there is nothing to roll back, and a warning says so.
'@
    Parameters  = @{
        Path     = 'The folder that holds migrations/. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn  = 'Uses the migration set that ships with the module.'
        Version  = 'The 14-digit version of the migration to mark.'
        State    = 'Applied or RolledBack.'
        LockWait    = 'How long to wait for another migration run to finish. A TimeSpan or a number of seconds (0: do not wait; at most 1 hour). Default: 30 seconds.'
        LockTimeout = 'How long writing the history rows may wait for a table lock (lock_timeout). A TimeSpan or a number of seconds, more than 0 and at most 1 hour. Default: 5 seconds.'
        Force       = 'Marks the migration without asking for confirmation. -WhatIf still changes nothing.'
    }
    Examples    = @(
        @{ Title = 'Record a hand-applied migration'; Code = 'Set-CrmMigrationState -Version 20250115100000 -State Applied'; Remarks = 'After confirmation, the migration counts as applied; Invoke-CrmMigration will not run it.' }
        @{ Title = 'Settle an Incomplete migration'; Code = "Get-CrmMigration | Where-Object State -eq 'Incomplete' | Format-List FileName, Message`nSet-CrmMigrationState -Version 20250301120000 -State RolledBack -Force"; Remarks = 'The message says when the run started and how it ended. After undoing what it did by hand, RolledBack makes it pending again: the next Invoke-CrmMigration runs it from the start.' }
    )
    Links       = @('Get-CrmMigration', 'Invoke-CrmMigration')
}
