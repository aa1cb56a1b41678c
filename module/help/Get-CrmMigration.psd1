@{
    Synopsis    = 'Lists the migrations of a set joined with the database''s history.'
    Description = @'
Get-CrmMigration reads a migration set in Supabase's layout (migrations/<14-digit UTC version>_<name>.sql, with rollbacks/ and verify/ holding files of the same name) and joins it with the database's two ledgers: CrmOps' history (supabase_migrations.crmops_migration_history; only this set's rows: the built-in set and a project folder are judged each on its own) and, for a project folder, Supabase's ledger supabase_migrations.schema_migrations, which the Supabase CLI and the dashboard also write. History and Ledger show what each says.

Each migration has a State: Pending (never applied), Applied (by CrmOps, or by the CLI: a ledger row alone counts), Modified (applied, but the file's checksum no longer matches the history, or its statements no longer match the ledger's; the checksum covers the statements without comments and whitespace, so a file rebuilt by `supabase migration fetch` still matches), RolledBack, Missing (applied in the database, but no file), Incomplete, Conflict or Adopted. Incomplete: a run without a transaction (-- crmops:no-transaction) started it and did not finish (it failed, was stopped or its process was killed), so some of its statements may be applied; it comes with a warning and a Message saying when it started, how it ended and how to settle it with Set-CrmMigrationState, and Invoke-CrmMigration and Undo-CrmMigration refuse to run anything until then. Conflict: CrmOps' history and the ledger disagree (a `supabase migration repair`, a migration applied before the ledger existed, or the same SQL stamped under another version by the dashboard's or an MCP tool's "apply migration", shown in SameSqlAs); Disagreement says which side says what and Resolution gives the Set-CrmMigrationState calls that settle it, one per direction. Adopted: a built-in migration that a project folder took over (New-CrmMigration -FromBuiltIn). Malformed file names, duplicate versions and unreadable files are reported as errors that name the path; the valid migrations are still listed.
'@
    Parameters  = @{
        Path    = 'The folder that holds migrations/ (and rollbacks/, verify/). Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn = 'Uses the migration set that ships with the module (module/migrations under the module root) instead of -Path.'
    }
    Examples    = @(
        @{ Title = 'What is applied and what is pending'; Code = 'Get-CrmMigration -Path ./supabase | Where-Object State -ne Applied'; Remarks = 'Lists pending, modified, rolled-back and missing migrations.' }
        @{ Title = 'The built-in set'; Code = 'Get-CrmMigration -BuiltIn'; Remarks = 'Shows the state of the migrations that ship with CrmOps.' }
        @{ Title = 'Where CrmOps and the Supabase CLI disagree, and how to settle it'; Code = 'Get-CrmMigration | Where-Object State -in Conflict, Missing | Format-List Version, Name, History, Ledger, SameSqlAs, Disagreement, Resolution'; Remarks = 'Each disagreement with what CrmOps'' history and Supabase''s ledger say, and the Set-CrmMigrationState calls that settle it either way.' }
    )
    Links       = @('Invoke-CrmMigration', 'Test-CrmMigration', 'New-CrmMigration')
}
