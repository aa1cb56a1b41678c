@{
    Synopsis    = 'Row counts of tables, views and materialized views: catalog estimates by default, count(*) with -Exact.'
    Description = @'
Without -Exact, Get-CrmRowCount reads the planner's estimates (pg_class.reltuples) for all requested tables in one round trip: instant even with thousands of tables. Estimates have IsExact $false and show as ~9,369. A table that was never analyzed (reltuples = -1 on PostgreSQL 14 and later) is reported as unknown (Rows $null), never as -1 or 0; views have no estimate.

With -Exact it runs count(*) on each table (identifiers quoted, one READ ONLY transaction each) with a progress bar, and Rows is exact (IsExact $true). Counting a large table reads all of it: use estimates for a quick look and -Exact before deciding anything.

Without -Table it counts every table and materialized view of the public schema. -Table and -Schema take wildcards. It takes CrmDbObject from the pipeline (Name binds to -Table, Schema to -Schema); all piped names are resolved together, so piping thousands of objects still costs one catalog round trip. An unknown name gives an ObjectNotFound error that suggests close names.
'@
    Parameters  = @{
        Table  = 'Tables, views or materialized views (name or schema.name; wildcards allowed). Takes Name from the pipeline. Default: all tables and materialized views.'
        Schema = 'Schemas to look in (wildcards allowed). Takes Schema from the pipeline. Default: public.'
        Exact  = 'Counts rows with count(*) instead of reading the catalog estimate.'
        Type   = 'Bound from the Type property of piped CrmDbObject output: indexes, sequences, functions and triggers are skipped (they have no rows to count). Not meant to be typed.'
    }
    Examples    = @(
        @{
            Title   = 'The seed''s investigation in one line'
            Code    = 'Get-CrmDbObject -Type Table | Get-CrmRowCount -Exact | Sort-Object Rows'
            Remarks = 'customers has 3 rows and orders 0: test leftovers. customer_profiles, customer_emails and customer_engagement_metrics have 9,369 each: the real customers.'
        }
        @{
            Title   = 'A quick look at the sizes of everything'
            Code    = 'Get-CrmRowCount | Sort-Object Rows -Descending'
            Remarks = 'Estimates from the catalog, instant; tables never analyzed show as unknown.'
        }
        @{
            Title   = 'Exact counts of the order tables'
            Code    = 'Get-CrmRowCount orders* -Exact'
            Remarks = 'orders, orders_htx and orders_eventbrite with count(*).'
        }
    )
    Links       = @('Test-CrmRowCount', 'Get-CrmDbObject')
}
