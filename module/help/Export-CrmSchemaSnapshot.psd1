@{
    Synopsis    = 'Saves a schema snapshot to a file, to compare a database with later or elsewhere.'
    Description = @'
Export-CrmSchemaSnapshot writes the piped CrmSchemaSnapshot (from Get-CrmSchemaSnapshot), else a snapshot of the database's schema now, to a file: JSON, gzip-compressed when the name ends in .gz. The file holds every object with PostgreSQL's own definitions; Compare-CrmSchema takes its path as a reference or difference, and Get-CrmSchemaSnapshot -Path reads it. An existing file is replaced only with -Force. With -Connection naming several databases, each database's schema goes to its own file, the database's name (or host-port-database) before the extension: schema.json.gz becomes schema.prod.json.gz and schema.staging.json.gz.
'@
    Parameters  = @{
        Path        = 'The file to write. Relative paths are resolved from the current PowerShell location; a name ending in .gz is compressed.'
        InputObject = 'The snapshot to save (from Get-CrmSchemaSnapshot). Default: the schema of the database now.'
        Force       = 'Overwrites an existing file.'
    }
    Examples    = @(
        @{ Title = 'Keep production''s schema beside the code'; Code = 'Export-CrmSchemaSnapshot ./schema/production.json.gz -Connection $prod'; Remarks = 'Later: Compare-CrmSchema -Reference ./schema/production.json.gz -Difference $staging.' }
    )
    Links       = @('Get-CrmSchemaSnapshot', 'Compare-CrmSchema')
}
