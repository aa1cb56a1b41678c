@{
    Synopsis    = 'Checks a live database the way Supabase''s Security and Performance Advisors do (splinter''s lints).'
    Description = @'
Get-CrmAdvisory runs splinter's lints, the SQL behind Supabase's database advisors, on any PostgreSQL database, in one read-only transaction, and returns one CrmAdvisory per finding: Name (splinter's lint name), Level (Error, Warn, Info: splinter's ERROR, WARN, INFO), Categories (SECURITY, PERFORMANCE), Schema, Object, Detail, Remediation (the statement to run, and Supabase's page for the lint), Title, Description and CacheKey (splinter's stable id of the finding).

The lints: rls_disabled_in_public (0013), policy_exists_rls_disabled (0007), security_definer_view (0010), materialized_view_in_api (0016), function_search_path_mutable (0011), extension_in_public (0014), rls_enabled_no_policy (0008), duplicate_index (0009), unindexed_foreign_keys (0001), no_primary_key (0004) and unused_index (0005, the seed's "Index Statistics" query). Each is computed as splinter's lints/NNNN_<name>.sql computes it (the SQL files cite them).

rls_disabled_in_public, security_definer_view and materialized_view_in_api ask what the Data API roles anon and authenticated may read in the schemas PostgREST serves. Where those roles do not exist (a database that is not a Supabase project), they are skipped with a warning that says so. The served schemas come from the database's pgrst.db_schemas setting, as splinter reads it, or from -ExposedSchema; on a database that does not set it, public (Supabase's default).
'@
    Parameters  = @{
        Name          = 'Runs only these lints, by splinter''s name; wildcards allowed (*rls*). Default: all of them.'
        Level         = 'Returns only advisories of these levels: Error, Warn, Info.'
        Category      = 'Returns only advisories of these categories: SECURITY, PERFORMANCE.'
        ExposedSchema = 'The schemas Supabase''s Data API (PostgREST) serves. Default: the database''s pgrst.db_schemas setting when it has one, else public.'
    }
    Examples    = @(
        @{ Title = 'What Supabase''s dashboard would say'; Code = 'Get-CrmAdvisory | Format-Table Level, Name, Schema, Object, Detail -Wrap'; Remarks = 'Errors first, then warnings, then information.' }
        @{ Title = 'Security only, with the fix'; Code = 'Get-CrmAdvisory -Category SECURITY | Format-List Name, Object, Remediation'; Remarks = 'Each finding with the statement that fixes it.' }
        @{ Title = 'In a Pester test'; Code = 'Get-CrmAdvisory -Level Error | Should -BeNullOrEmpty'; Remarks = 'Fails the build on any ERROR advisory (Test-CrmDatabase has the same as a check).' }
    )
    Links       = @('Test-CrmDatabase', 'Test-CrmMigration')
}
