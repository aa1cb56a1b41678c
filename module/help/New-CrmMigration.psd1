@{
    Synopsis    = 'Creates a new, timestamped migration with its rollback and verify files.'
    Description = @'
New-CrmMigration creates migrations/<UTC yyyyMMddHHmmss>_<name>.sql with a comment header that explains the directives (-- crmops:require-rows <table> >= <n>, -- crmops:no-transaction), and rollbacks/ and verify/ files of the same name. It does not connect to a database. Until you write at least one statement below the header, the migration is refused by every other command (MigrationFileEmpty, naming the untouched template), and an untouched rollback template is refused by Undo-CrmMigration: a template is never recorded as applied or rolled back. Each verify query must return exactly one row with one boolean column that is true. The name must be snake_case (lower-case letters, digits and single underscores, starting with a letter). Two migrations created in the same second get consecutive versions.
'@
    Parameters  = @{
        Name    = 'The migration''s name in snake_case, for example add_lead_score.'
        Path    = 'The folder that holds migrations/; created when missing. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn = 'Creates the files in the module''s built-in set (module/migrations under the module root).'
    }
    Examples    = @(
        @{ Title = 'Start a migration'; Code = 'New-CrmMigration add_lead_score'; Remarks = 'Creates supabase/migrations/20251015114000_add_lead_score.sql, supabase/rollbacks/20251015114000_add_lead_score.sql and supabase/verify/20251015114000_add_lead_score.sql.' }
    )
    Links       = @('Invoke-CrmMigration', 'Get-CrmMigration')
}
