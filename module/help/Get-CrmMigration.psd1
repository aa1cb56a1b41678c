@{
    Synopsis    = 'Lists the migrations of a set joined with the database''s history.'
    Description = @'
Get-CrmMigration reads a migration set in Supabase's layout (migrations/<14-digit UTC version>_<name>.sql, with rollbacks/ and verify/ holding files of the same name) and joins it with the history: CrmOps' own table crmops.migration_history and, when it exists, Supabase's supabase_migrations.schema_migrations.

Each migration has a State: Pending (never applied), Applied, Modified (applied, but the file's SHA-256 checksum, computed with line endings normalised, no longer matches the history), RolledBack, Missing (applied in the database, but no file), or Incomplete (a run without a transaction, -- crmops:no-transaction, started it and did not finish: it failed, was stopped or its process was killed, so some of its statements may be applied). An Incomplete migration comes with a warning and a Message saying when it started, how it ended and how to settle it with Set-CrmMigrationState; Invoke-CrmMigration and Undo-CrmMigration refuse to run anything until then. Malformed file names, duplicate versions and unreadable files are reported as errors that name the path; the valid migrations are still listed.
'@
    Parameters  = @{
        Path    = 'The folder that holds migrations/ (and rollbacks/, verify/). Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn = 'Uses the migration set that ships with the module (module/migrations under the module root) instead of -Path.'
    }
    Examples    = @(
        @{ Title = 'What is applied and what is pending'; Code = 'Get-CrmMigration -Path ./supabase | Where-Object State -ne Applied'; Remarks = 'Lists pending, modified, rolled-back and missing migrations.' }
        @{ Title = 'The built-in set'; Code = 'Get-CrmMigration -BuiltIn'; Remarks = 'Shows the state of the migrations that ship with CrmOps.' }
    )
    Links       = @('Invoke-CrmMigration', 'Test-CrmMigration', 'New-CrmMigration')
}
