@{
    Synopsis    = 'Checks a table''s exact row count against a minimum, a maximum or an expected value.'
    Description = @'
Test-CrmRowCount counts a table's rows with count(*) (READ ONLY) and returns a CrmCheckResult {Check, Target, Expected, Actual, Passed, Message}, or with -Quiet only $true or $false, so that a Pester test or a script can assert on it before a migration touches the table: the guard against the seed's mistake of migrating the 3-row customers test table instead of the 9,369-row customer_profiles.

-Minimum, -Maximum and -Expected may be combined; all given must hold. With none of them the check is that the table has at least one row. An unknown table gives an ObjectNotFound error that suggests close names (with -Quiet it also returns $false).
'@
    Parameters  = @{
        Table    = 'The table, view or materialized view, as name or schema.name. Takes Name from the pipeline.'
        Schema   = 'The schema of the table. Default: public (or the schema in schema.name).'
        Minimum  = 'The count must be at least this.'
        Maximum  = 'The count must be at most this.'
        Expected = 'The count must be exactly this.'
        Quiet    = 'Returns only $true or $false instead of a CrmCheckResult.'
    }
    Examples    = @(
        @{
            Title   = 'Guard a migration in a Pester test'
            Code    = 'It ''targets the real customer table'' { Test-CrmRowCount customer_profiles -Minimum 9000 -Quiet | Should -BeTrue }'
            Remarks = 'Fails when customer_profiles has fewer than 9,000 rows.'
        }
        @{
            Title   = 'Catch the test table'
            Code    = 'Test-CrmRowCount customers -Minimum 1000'
            Remarks = 'FAIL: public.customers has 3 rows; expected >= 1,000.'
        }
    )
    Links       = @('Get-CrmRowCount')
}
