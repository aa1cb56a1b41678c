@{
    Synopsis    = 'Shows what a table or view is built from (Upstream) or what is built on it (Downstream), transitively.'
    Description = @'
Get-CrmDependency follows the dependencies that PostgreSQL records for views and materialized views (pg_depend through pg_rewrite) in one recursive query, inside a READ ONLY transaction. Each result is one edge, Name depends on DependsOn, with its Depth from the object you asked about (1: direct).

Upstream (the default) answers "what does this read?": upstream of customer_marketing_export are customer_profiles, customer_emails and customer_engagement_metrics. Downstream answers "what breaks or goes stale if I change this?": downstream of orders_htx is customer_orders_v, and whatever is built on that view (customer_activity_timeline once the migrations ran).

An unknown name gives an ObjectNotFound error that suggests close names. An object with no dependencies gives no output.
'@
    Parameters  = @{
        Name      = 'The table, view or materialized view, as name or schema.name. Takes Name from the pipeline.'
        Schema    = 'The schema of the object. Default: public (or the schema in schema.name).'
        Direction = 'Upstream (default): what the object is built from. Downstream: what is built on it.'
    }
    Examples    = @(
        @{
            Title   = 'What feeds the marketing export?'
            Code    = 'Get-CrmDependency customer_marketing_export'
            Remarks = 'Lists customer_profiles, customer_emails and customer_engagement_metrics at depth 1.'
        }
        @{
            Title   = 'What is built on the raw Humanitix orders?'
            Code    = 'Get-CrmDependency orders_htx -Direction Downstream'
            Remarks = 'customer_orders_v at depth 1, and views built on it at depth 2 and more.'
        }
    )
    Links       = @('Get-CrmDbObject', 'Get-CrmColumn')
}
