@{
    Synopsis    = 'Marks a migration applied or rolled back without running it.'
    Description = @'
Set-CrmMigrationState records a migration as Applied or RolledBack in CrmOps' history (mode marked, in this set only) and, for a project folder, in Supabase's ledger, without running any of its statements: for a change that was made by hand, or applied by another tool. Applied writes the ledger row as `supabase migration repair --status applied` does (the file's name and statements); RolledBack deletes it, as `repair --status reverted` does. It settles every disagreement Get-CrmMigration reports as Conflict, in either direction, and removes a ledger row that has no file (a stale stamp; -State RolledBack only, as there are no statements to record). It takes the same advisory lock as a migration run, and records a schema snapshot as a migration run does.

It is also how an Incomplete migration is settled: a run without a transaction (-- crmops:no-transaction) that failed, was stopped or whose process was killed leaves its statements partly applied, and Invoke-CrmMigration refuses it until you record the outcome. Look at what it did, finish or undo the rest by hand, then mark it Applied (it is complete now) or RolledBack (it is undone; the next Invoke-CrmMigration runs it again).

-State RolledBack on a migration that is not applied (Pending, or rolled back already) and has no ledger row records nothing: there is nothing to roll back, and a warning says so.

-Baseline records the schema as it is now as what it should be: the reference of Compare-CrmSchema's drift check and Test-CrmDatabase's SchemaMatchesMigrations, for a database whose schema predates CrmOps' migrations (like the seed's CRM before the two corrected migrations), or after reviewing drift and accepting it. It returns the recorded CrmSchemaSnapshot.
'@
    Parameters  = @{
        Path     = 'The folder that holds migrations/. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn  = 'Uses the migration set that ships with the module.'
        Version  = 'The version of the migration to mark (the digits before the first _ of its file name), or a version only the history or the ledger holds (with -State RolledBack).'
        State    = 'Applied or RolledBack.'
        LockWait    = 'How long to wait for another migration run to finish. A TimeSpan or a number of seconds (0: do not wait; at most 1 hour). Default: 30 seconds.'
        LockTimeout = 'How long writing the history rows may wait for a table lock (lock_timeout). A TimeSpan or a number of seconds, more than 0 and at most 1 hour. Default: 5 seconds.'
        Force       = 'Marks the migration (or records the baseline) without asking for confirmation. -WhatIf still changes nothing.'
        Baseline    = 'Records the schema as it is now as the reference of drift checks (Compare-CrmSchema, Test-CrmDatabase).'
    }
    Examples    = @(
        @{ Title = 'Start drift checks on an existing CRM'; Code = 'Set-CrmMigrationState -Baseline'; Remarks = 'From now on Compare-CrmSchema and Test-CrmDatabase report every change made outside a migration.' }
        @{ Title = 'Record a hand-applied migration'; Code = 'Set-CrmMigrationState -Version 20250115100000 -State Applied'; Remarks = 'After confirmation, the migration counts as applied; Invoke-CrmMigration will not run it.' }
        @{ Title = 'Settle a `supabase migration repair --status reverted`'; Code = "Get-CrmMigration -Path ./supabase | Where-Object State -eq Conflict | Select-Object -ExpandProperty Resolution`nSet-CrmMigrationState -Path ./supabase -Version 20250601120000 -State Applied -Confirm:`$false"; Remarks = 'The migration''s objects are there: record it in the ledger again (or -State RolledBack when they are not, and Invoke-CrmMigration runs it again).' }
        @{ Title = 'Settle an Incomplete migration'; Code = "Get-CrmMigration | Where-Object State -eq 'Incomplete' | Format-List FileName, Message`nSet-CrmMigrationState -Version 20250301120000 -State RolledBack -Force"; Remarks = 'The message says when the run started and how it ended. After undoing what it did by hand, RolledBack makes it pending again: the next Invoke-CrmMigration runs it from the start.' }
    )
    Links       = @('Get-CrmMigration', 'Invoke-CrmMigration', 'Compare-CrmSchema')
}
