@{
    Synopsis    = 'Lists the tables, views and materialized views of a CRM database (functions, triggers, indexes and sequences on request).'
    Description = @'
Get-CrmDbObject is the first step of every change: investigate the schema before you touch it. It reads pg_catalog in one round trip inside a READ ONLY transaction, so it needs only USAGE on the schemas and works in seconds on databases with thousands of tables.

Each object comes with its schema, type, the planner's estimated row count (empty when the table was never analyzed: unknown, not 0), its size (from the catalog's page counts as of the last VACUUM, ANALYZE or CREATE INDEX; reading them never locks a table), its owner and its comment. Indexes and triggers carry the table they belong to in Parent, functions their argument list; triggers their definition in Definition.

Without -Type, it lists tables, views and materialized views (as psql's \d does), which indexes and sequences would otherwise bury; a name without wildcards is found whatever its type (Get-CrmDbObject lead_score_components finds the function), and -Type lists the rest.

Names are read as PostgreSQL reads them: an unquoted name folds to lower case (Customer_Profiles finds customer_profiles), a quoted one keeps its case ('"Customer_Profiles"'). Wildcard patterns (* ? [abc]) match case-insensitively, like -like. A name without wildcards that matches nothing gives an ObjectNotFound error that suggests close names, with the corrected command as its recommended action. Names that come down the pipeline (the Name and Schema of a CrmDbObject) are taken exactly as the catalog spells them. On Supabase, the default schema public keeps auth, storage, extensions and the other platform schemas out of the way; use -Schema * to see everything.

The output pipes into Get-CrmRowCount, Get-CrmColumn and Get-CrmDependency by Schema and Name.
'@
    Parameters  = @{
        Name   = 'Names of the objects to list (unquoted names fold to lower case; quote a mixed-case name: ''"Name"''). Wildcards are allowed. Default: every table, view and materialized view.'
        Schema = 'Schemas to look in. Wildcards are allowed (-Schema * for all); tab completion offers the database''s schemas. Default: public.'
        Type   = 'Only objects of these types: Table (including partitioned tables), View, MaterializedView, Function (including procedures), Trigger, Index, Sequence (also PartitionedTable, Procedure, ForeignTable). Default: tables, views and materialized views (any type for a name without wildcards).'
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
