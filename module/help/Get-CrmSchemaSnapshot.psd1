@{
    Synopsis    = 'Lists the schema snapshots CrmOps recorded in a database, or takes one of the schema now, or reads one from a file.'
    Description = @'
Every migration CrmOps runs, rolls back or marks records a compact snapshot of the schema in the same transaction (supabase_migrations.crmops_schema_snapshots, beside the migration history; the newest 100 are kept), and so does Set-CrmMigrationState -Baseline. Get-CrmSchemaSnapshot lists them newest first: Id, Source (Migration, Marked, Baseline), Version, Direction, TakenAt, TakenBy, Objects and Digest (equal digests, equal schemas, the platform's objects left out). -Live reads the schema as it is now; -Path reads a file written by Export-CrmSchemaSnapshot. Each snapshot can be a reference or difference of Compare-CrmSchema, or saved with Export-CrmSchemaSnapshot.
'@
    Parameters  = @{
        Last = 'How many recorded snapshots, newest first (1 to 100; default 20).'
        Live = 'Reads the schema as it is now (one read-only transaction).'
        Path = 'A snapshot file written by Export-CrmSchemaSnapshot (JSON, gzip-compressed when its name ends in .gz).'
    }
    Examples    = @(
        @{ Title = 'The recorded snapshots'; Code = 'Get-CrmSchemaSnapshot -Last 5'; Remarks = 'The schema after each of the last migrations, newest first.' }
        @{ Title = 'What changed since an older migration'; Code = 'Compare-CrmSchema -Reference (Get-CrmSchemaSnapshot | Where-Object Version -eq 20250115100000)'; Remarks = 'Compares the database now with the schema right after that migration.' }
    )
    Links       = @('Compare-CrmSchema', 'Export-CrmSchemaSnapshot', 'Set-CrmMigrationState')
}
