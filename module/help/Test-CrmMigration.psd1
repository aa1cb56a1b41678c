@{
    Synopsis    = 'Validates a migration set, or rehearses each pending migration''s up, verify and down with nothing persisting.'
    Description = @'
Without -RoundTrip, Test-CrmMigration validates the set and returns one CrmCheckResult per finding: malformed names, duplicate versions, unreadable or unsplittable files (psql meta-commands, unterminated quotes), applied files whose checksum changed, applied migrations without a file, migrations without a rollback, out-of-order pending versions and every require-rows guard of the pending migrations (with the exact row count).

With -RoundTrip, it rehearses every pending migration inside one transaction that is always rolled back: a schema fingerprint (tables, columns with types and defaults, constraints, indexes, views and their definitions, functions and their bodies, triggers, policies, types, comments), then up, verify and down, then the fingerprint again. Every difference is reported by object (a CrmCheckResult per difference); a clean round trip gives one passing result. Nothing persists, even on failure.

With -Lint, it reads each statement of the pending migrations (every migration with -All) and judges it against the live database, without running anything: one CrmLintFinding per problem, with the rule, severity, file and line, the object (schema-qualified), its live row estimate (Rows, as the planner estimates it), the lock the statement takes (as pg_locks names it), whether it rewrites the table, a message and a remediation written for that statement. The rules: require-concurrent-index-creation, ban-concurrent-index-creation-in-transaction, changing-column-type (only when PostgreSQL would rewrite: widening varchar(n) to text does not fire; a column that views read makes it an Error, the ALTER would fail), adding-field-with-default (volatile default, identity, serial, stored generated column: rewrite), adding-not-nullable-field, setting-not-null (unless a validated CHECK (col IS NOT NULL) exists), constraint-missing-not-valid (also a VALIDATE in the transaction that added the constraint), drop-with-dependents (names what a CASCADE would drop, from the live dependencies), ban-drop-column, ban-drop-table, renaming-column, renaming-table, refresh-not-concurrent, materialized-view-in-api and table-without-rls (in a schema the Data API serves, where the roles anon/authenticated exist and the role's default privileges would let them read it), function-search-path-mutable and missing-row-guard (Info: a table with rows changed without a -- crmops:require-rows guard).

Statements are read by a tokenizer, never by a regular expression: names in quotes, comments, strings and dollar-quoted bodies are never taken for keywords. Each migration is judged with what the earlier statements of the run create, drop, rename, revoke and fix: an index on a table created earlier in the run is not flagged, and a finding that a later migration of the same run fixes (RLS enabled, access revoked, search_path set) becomes Info, naming that migration. Severity scales with the table's live size where size matters (Info under -WarningRows, Warning, Error from -ErrorRows); statements that rewrite a table or fail outright are at least Warnings. A file accepts a rule with a header line -- crmops:allow <rule> <reason> (the reason is required): its findings are then marked Allowed with the reason.
'@
    Parameters  = @{
        Path            = 'The folder that holds migrations/. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn         = 'Uses the migration set that ships with the module.'
        RoundTrip       = 'Rehearses up, verify and down of each pending migration in a transaction that is always rolled back, and compares the schema before and after.'
        LockTimeout     = 'lock_timeout for the rehearsal. A TimeSpan or a number of seconds. Default: 5 seconds.'
        AllowOutOfOrder = 'Rehearses pending migrations even when they are older than the newest applied one.'
        Lint            = 'Lints the pending migrations against the live database: one CrmLintFinding per problem. Nothing is executed.'
        All             = 'With -Lint: lints every migration of the set, applied or not.'
        WarningRows     = 'With -Lint: from this many rows (the table''s live estimate) a size-dependent finding is a Warning instead of Info. Default: 100000.'
        ErrorRows       = 'With -Lint: from this many rows a size-dependent finding is an Error, which Invoke-CrmMigration refuses. Default: 1000000.'
        ExposedSchema   = 'With -Lint: the schemas Supabase''s Data API (PostgREST) serves. Default: the database''s pgrst.db_schemas setting when it has one, else public.'
    }
    Examples    = @(
        @{ Title = 'Check a set before a deployment'; Code = 'Test-CrmMigration -Path ./supabase | Where-Object { -not $_.Passed }'; Remarks = 'Lists every problem: names, duplicates, checksums, missing rollbacks, unmet requirements.' }
        @{ Title = 'Rehearse'; Code = 'Test-CrmMigration -RoundTrip'; Remarks = 'Reports, by object, anything a rollback leaves behind or fails to restore; nothing persists.' }
        @{ Title = 'Know the danger before it hurts'; Code = 'Test-CrmMigration -Path ./supabase -Lint | Format-Table Severity, Rule, File, Line, Object, Rows, Lock'; Remarks = 'Each finding with the live size of the table it touches and the lock it takes; Format-List shows the message and the remediation.' }
        @{ Title = 'Fail a CI job on an Error'; Code = 'if (Test-CrmMigration -Lint | Where-Object { $_.Severity -eq ''Error'' -and -not $_.Allowed }) { exit 1 }'; Remarks = 'The same findings Invoke-CrmMigration would refuse.' }
    )
    Links       = @('Invoke-CrmMigration', 'Undo-CrmMigration', 'Get-CrmAdvisory')
}
