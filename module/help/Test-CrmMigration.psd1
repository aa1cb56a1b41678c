@{
    Synopsis    = 'Validates a migration set, or rehearses each pending migration''s up, verify and down with nothing persisting.'
    Description = @'
Without -RoundTrip, Test-CrmMigration validates the set (the built-in set and a project folder each on their own: neither reports the other's migrations) and returns one CrmCheckResult per finding: malformed names, duplicate versions, unreadable or unsplittable files (psql meta-commands, unterminated quotes), file names Supabase's CLI would skip (anything not <digits>_<name>.sql), file-name order that differs from version order, applied files whose checksum changed, applied migrations without a file (MigrationMissing, with the call that removes a stale ledger row), disagreements between CrmOps' history and Supabase's ledger (MigrationConflict), migrations without a rollback or whose rollback has no statement to run, Incomplete migrations (a run without a transaction that did not finish), transaction control other than a whole-file BEGIN ... COMMIT wrapper, out-of-order pending versions and every require-rows guard of the pending migrations (with the exact row count).

With -RoundTrip, it rehearses every pending migration inside one transaction that is always rolled back: a schema fingerprint (tables, columns with types and defaults, constraints, indexes, views and their definitions, functions and their bodies, triggers, policies, types, comments), then up, verify and down, then the fingerprint again. Every difference is reported by object (a CrmCheckResult per difference); a clean round trip gives one passing result. Nothing persists, even on failure, whatever the files say: transaction control in them is refused before the rehearsal starts, and after each script the settings, role and session authorization it changed are reset before the fingerprint is taken. Unmet require-rows guards stop the rehearsal with a failing result; migrations (or rollbacks) without a transaction cannot be rehearsed inside one and are reported as such. Sequences advanced by rehearsed inserts stay advanced (PostgreSQL sequences are not transactional).
'@
    Parameters  = @{
        Path            = 'The folder that holds migrations/. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn         = 'Uses the migration set that ships with the module.'
        RoundTrip       = 'Rehearses up, verify and down of each pending migration in a transaction that is always rolled back, and compares the schema before and after.'
        LockTimeout     = 'lock_timeout for every rehearsed statement, whatever the files set. A TimeSpan or a number of seconds, more than 0 and at most 1 hour. Default: 5 seconds.'
        AllowOutOfOrder = 'Rehearses pending migrations even when they are older than the newest applied one.'
    }
    Examples    = @(
        @{ Title = 'Check a set before a deployment'; Code = 'Test-CrmMigration -Path ./supabase | Where-Object { -not $_.Passed }'; Remarks = 'Lists every problem: names, duplicates, checksums, missing rollbacks, unmet requirements.' }
        @{ Title = 'Rehearse'; Code = 'Test-CrmMigration -RoundTrip'; Remarks = 'Reports, by object, anything a rollback leaves behind or fails to restore; nothing persists.' }
    )
    Links       = @('Invoke-CrmMigration', 'Undo-CrmMigration')
}
