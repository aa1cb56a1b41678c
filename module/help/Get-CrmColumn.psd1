@{
    Synopsis    = 'Lists the columns of a table, view or materialized view: types, defaults, nullability, primary and foreign keys.'
    Description = @'
Get-CrmColumn reads one table's columns from pg_catalog in one round trip (READ ONLY). Types are shown as PostgreSQL prints them (numeric(12,2), timestamp with time zone), defaults as written (gen_random_uuid(), now()), identity columns as such (Identity ALWAYS or BY DEFAULT), and each column says whether it is part of the primary key and which schema.table(column) it references.

The table may be given as name or schema.name; the name is always quoted, never run. An unknown name gives an ObjectNotFound error that suggests close names (customer_profile: did you mean customer_profiles?). Table names tab-complete from the session's database.
'@
    Parameters  = @{
        Table  = 'The table, view or materialized view, as name or schema.name. Takes Name from the pipeline (Get-CrmDbObject output).'
        Schema = 'The schema of the table. Default: public (or the schema in schema.name).'
    }
    Examples    = @(
        @{
            Title   = 'How is customer_emails linked to customers?'
            Code    = 'Get-CrmColumn customer_emails'
            Remarks = 'id is a bigint identity primary key; customer_id references public.customer_profiles(id), not the customers test table.'
        }
        @{
            Title   = 'Every foreign key of the public schema'
            Code    = 'Get-CrmDbObject -Type Table | Get-CrmColumn | Where-Object References | Select-Object Table, Name, References'
            Remarks = 'Shows how the tables are linked before you write a migration.'
        }
    )
    Links       = @('Get-CrmDbObject', 'Get-CrmDependency')
}
