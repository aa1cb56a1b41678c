@{
    Synopsis    = 'Creates a new, timestamped migration with its rollback and verify files.'
    Description = @'
New-CrmMigration creates migrations/<UTC yyyyMMddHHmmss>_<name>.sql with a comment header that explains the directives (-- crmops:require-rows <table> >= <n>, -- crmops:no-transaction), and rollbacks/ and verify/ files of the same name. It does not connect to a database. Until you write at least one statement below the header, the migration is refused by every other command (MigrationFileEmpty, naming the untouched template), and an untouched rollback template is refused by Undo-CrmMigration: a template is never recorded as applied or rolled back. Each verify query must return exactly one row with one boolean column that is true. The name must be snake_case (lower-case letters, digits and single underscores, starting with a letter). Two migrations created in the same second get consecutive versions.

With -FromBuiltIn it adopts the module's built-in migrations into the project's own folder, for a team that wants every migration in the folder it commits (and Supabase's CLI to know them): each built-in migration, with its rollback and verify script, becomes <new version>_<same name>.sql, its version newer than every version the folder, CrmOps' history and Supabase's ledger know (so `supabase db push` never finds one "inserted before the last migration"). When the built-in set is already applied, the copies are recorded as applied, without running, in CrmOps' history and in Supabase's ledger (as the CLI writes it), the built-in rows are marked Adopted, and built-in versions an older CrmOps wrote into the ledger are removed from it; all in one transaction. When it is not applied, the copies are simply pending. A folder that already holds a copy is refused; nothing is copied then.
'@
    Parameters  = @{
        Name    = 'The migration''s name in snake_case, for example add_lead_score.'
        Path    = 'The folder that holds migrations/; created when missing. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn = 'Creates the files in the module''s built-in set (module/migrations under the module root).'
        FromBuiltIn = 'Copies the built-in migrations into -Path (default ./supabase) under new versions and, when they are applied, records the copies as applied in both ledgers. Needs a database connection.'
        Connection  = 'With -FromBuiltIn: the database whose history decides the new versions and records the copies (default: the session''s). Ignored otherwise.'
    }
    Examples    = @(
        @{ Title = 'Start a migration'; Code = 'New-CrmMigration add_lead_score'; Remarks = 'Creates supabase/migrations/20251015114000_add_lead_score.sql, supabase/rollbacks/20251015114000_add_lead_score.sql and supabase/verify/20251015114000_add_lead_score.sql.' }
        @{ Title = 'Make the built-in migrations part of a Supabase project'; Code = "New-CrmMigration -FromBuiltIn -Path ./supabase -WhatIf`nNew-CrmMigration -FromBuiltIn -Path ./supabase`ngit add supabase/migrations supabase/rollbacks supabase/verify"; Remarks = 'Shows the copies it would make, makes them (recorded as applied where the built-in set is applied), and the team commits them: `supabase db push` and Invoke-CrmMigration -Path ./supabase then agree, and -BuiltIn is no longer needed.' }
    )
    Links       = @('Invoke-CrmMigration', 'Get-CrmMigration')
}
