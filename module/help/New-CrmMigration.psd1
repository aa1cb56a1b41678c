@{
    Synopsis    = 'Creates a new, timestamped migration with its rollback and verify files.'
    Description = @'
New-CrmMigration creates migrations/<UTC yyyyMMddHHmmss>_<name>.sql with a comment header that explains the directives (-- crmops:require-rows <table> >= <n>, -- crmops:no-transaction), and rollbacks/ and verify/ files of the same name. It does not connect to a database. Until you write at least one statement below the header, the migration is refused by every other command (MigrationFileEmpty, naming the untouched template), and an untouched rollback template is refused by Undo-CrmMigration: a template is never recorded as applied or rolled back. Each verify query must return exactly one row with one boolean column that is true. The name must be snake_case (lower-case letters, digits and single underscores, starting with a letter). Two migrations created in the same second get consecutive versions.

With -FromDiff it writes the migration from the differences piped from Compare-CrmSchema: the up script turns the reference into the difference and the rollback turns it back, for the objects PostgreSQL gives a full definition of (views, materialized views with their indexes, functions, triggers, indexes, constraints, columns added, dropped or changed, sequences, types, grants, row level security and policies); a new table comes with its columns, constraints, indexes, triggers, policies and grants. Statements are ordered so that each finds what it needs (drops first, most dependent first; then schemas, types, tables, columns, functions, constraints, views, indexes, triggers, policies, grants). Where PostgreSQL gives no full definition (aggregates, inherited or foreign tables, a column becoming generated, an enum losing a label) the step is a comment starting TODO that names the object, never a guessed statement, and a warning says how many there are. Test the pair with Test-CrmMigration -RoundTrip before applying it.
'@
    Parameters  = @{
        Name    = 'The migration''s name in snake_case, for example add_lead_score.'
        Path    = 'The folder that holds migrations/; created when missing. Relative paths are resolved from the current PowerShell location. Default: ./supabase.'
        BuiltIn = 'Creates the files in the module''s built-in set (module/migrations under the module root).'
        FromDiff    = 'Writes the up script and its rollback from the differences piped from Compare-CrmSchema.'
        InputObject = 'The differences (CrmSchemaDifference objects from Compare-CrmSchema), usually from the pipeline.'
    }
    Examples    = @(
        @{ Title = 'A migration that makes staging like production'; Code = 'Compare-CrmSchema -Reference $staging -Difference $prod | New-CrmMigration -FromDiff -Name sync_with_production'; Remarks = 'Applied to staging (Invoke-CrmMigration), the comparison becomes empty; its rollback restores what staging was.' }
        @{ Title = 'Start a migration'; Code = 'New-CrmMigration add_lead_score'; Remarks = 'Creates supabase/migrations/20251015114000_add_lead_score.sql, supabase/rollbacks/20251015114000_add_lead_score.sql and supabase/verify/20251015114000_add_lead_score.sql.' }
    )
    Links       = @('Invoke-CrmMigration', 'Get-CrmMigration', 'Compare-CrmSchema')
}
