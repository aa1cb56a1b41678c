@{
    Synopsis    = 'Lists the tables, views, materialized views, functions, triggers, indexes and sequences of a CRM database.'
    Description = @'
Get-CrmDbObject is the first step of every change: investigate the schema before you touch it. It reads pg_catalog in one round trip inside a READ ONLY transaction, so it needs only USAGE on the schemas and works in seconds on databases with thousands of tables.

Each object comes with its schema, type, the planner's estimated row count (empty when the table was never analyzed: unknown, not 0), its size (from the catalog's page counts as of the last VACUUM, ANALYZE or CREATE INDEX; reading them never locks a table), its owner and its comment. Indexes and triggers carry the table they belong to in Parent, functions their argument list; triggers their definition in Definition.

-Name and -Schema take PowerShell wildcards (* ? [abc]); matching is case-insensitive, like -like. A name without wildcards that matches nothing gives an ObjectNotFound error that suggests close names. On Supabase, the default schema public keeps auth, storage, extensions and the other platform schemas out of the way; use -Schema * to see everything.

The output pipes into Get-CrmRowCount, Get-CrmColumn and Get-CrmDependency by Schema and Name.
'@
    Parameters  = @{
        Name   = 'Names of the objects to list. Wildcards are allowed. Default: all objects.'
        Schema = 'Schemas to look in. Wildcards are allowed (-Schema * for all). Default: public.'
        Type   = 'Only objects of these types: Table (including partitioned tables), View, MaterializedView, Function (including procedures), Trigger, Index, Sequence (also PartitionedTable, Procedure, ForeignTable).'
    }
    Examples    = @(
        @{
            Title   = 'Investigate the schema first: what holds the real customers?'
            Code    = 'Get-CrmDbObject -Type Table | Get-CrmRowCount -Exact | Sort-Object Rows'
            Remarks = 'Lists every table of the public schema with its exact row count, smallest first: the 3-row customers test table stands out next to the 9,369-row customer_profiles.'
        }
        @{
            Title   = 'Views and materialized views whose names start with customer'
            Code    = 'Get-CrmDbObject customer* -Type View, MaterializedView'
            Remarks = 'Shows customer_orders_v, customers_flat_v and customer_marketing_export with their types and sizes.'
        }
        @{
            Title   = 'Everything in every schema, biggest first'
            Code    = 'Get-CrmDbObject -Schema * -Type Table | Sort-Object SizeBytes -Descending | Select-Object -First 10'
            Remarks = 'Includes Supabase''s own schemas (auth, storage, ...).'
        }
    )
    Links       = @('Get-CrmRowCount', 'Get-CrmColumn', 'Get-CrmDependency')
}
