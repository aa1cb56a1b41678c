@{
    Synopsis    = 'Reports how a database''s schema differs from the snapshot of its last migration, from another database, a snapshot or a migration set.'
    Description = @'
Compare-CrmSchema emits one CrmSchemaDifference per difference: ObjectType (Schema, Extension, Type, Sequence, Table, Column, Constraint, Index, View, MaterializedView, Function, Trigger, Policy, RLS, Grant), Name (schema-qualified; a column as schema.table.column, a grant as "object to grantee"), Change (Added, Removed or Changed, from the reference to the difference), Property, Reference and Difference (for a change: a column's Type, Default or NotNull, a view's or function's Definition, a grantee's Privileges, a Comment) and a readable Detail. Up and Down hold the SQL that turns the reference into the difference and back; pipe the differences to New-CrmMigration -FromDiff to write them as a migration.

Drift is the default: without -Reference, -Path or -BuiltIn, the database (-Difference, else -Connection, else the session's) is compared with the schema snapshot CrmOps recorded in it right after the last migration it ran, rolled back or marked (or the last Set-CrmMigrationState -Baseline). A change made by hand in the dashboard's SQL editor shows up as a difference. When migrations were applied since without CrmOps (supabase db push), a warning says which.

The reference and the difference can each be a live database (a CrmConnection, a CrmSandbox or a connection string), a CrmSchemaSnapshot (Get-CrmSchemaSnapshot), a snapshot file (Export-CrmSchemaSnapshot) or a migrations folder (the folder that holds migrations/). -Path and -BuiltIn make the reference a migration set, replayed up to -Target into a throwaway sandbox: onto an empty database for a folder (a Supabase project's migrations build everything from nothing), onto the sample CRM's schema for -BuiltIn (-ReplayOnto changes it). A replay runs the scripts only: no require-rows, no verify. When the database compared with is shaped like a Supabase project (it has the API roles anon, authenticated and service_role), the throwaway sandbox is Supabase-shaped too (Start-CrmSandbox -Supabase), so Supabase's default privileges in public apply to what the set creates, as they did in the project.

Definitions are PostgreSQL's own (pg_get_viewdef, pg_get_functiondef, pg_get_indexdef, pg_get_constraintdef, pg_get_triggerdef, pg_get_expr, format_type, ACLs), read with an empty search_path so names are qualified the same way everywhere, and compared after removing comments, whitespace and case outside quotes: cosmetic differences do not count. Column order, owners and the owner's own privileges are not compared. An object that belongs to an added or removed one (a new table's columns, indexes, grants) is part of that difference. Objects the platform owns are left out unless -IncludePlatform: Supabase's managed schemas (those supabase db diff leaves out, and auth, storage and realtime except a project's own triggers and policies there), schemas owned by supabase_admin or created by an extension, extension members, and CrmOps' own objects (its bookkeeping in supabase_migrations, the schema crmops). Two live databases are read in parallel.
'@
    Parameters  = @{
        Reference       = 'What the schema should be: a CrmConnection, a CrmSandbox, a CrmSchemaSnapshot, the path of a snapshot file, a migrations folder or a connection string.'
        Difference      = 'What the schema is, in the same forms as -Reference. Default: -Connection, else the session''s database.'
        Path            = 'Compares with this migration set: the folder that holds migrations/, replayed into a throwaway sandbox (onto an empty database unless -ReplayOnto SampleCrm).'
        BuiltIn         = 'Compares with the built-in migration set, replayed onto the sample CRM''s schema in a throwaway sandbox.'
        Target          = 'Replays migrations up to and including this 14-digit version.'
        ReplayOnto      = 'What a replay starts from: Empty (an empty database; the default for a folder) or SampleCrm (the sample CRM''s schema without rows; the default for -BuiltIn).'
        IncludePlatform = 'Also compares what the platform owns: Supabase''s managed schemas, extension members and CrmOps'' bookkeeping.'
    }
    Examples    = @(
        @{ Title = 'Drift: what changed by hand since the last migration'; Code = 'Compare-CrmSchema'; Remarks = 'Lists each object added, removed or changed since CrmOps recorded the schema after its last migration; nothing when the database is what its migrations made it.' }
        @{ Title = 'Staging against production'; Code = 'Compare-CrmSchema -Reference $prod -Difference $staging | Format-List ObjectType, Name, Change, Property, Reference, Difference'; Remarks = 'Both databases are read in parallel; each difference shows both values.' }
        @{ Title = 'The database against its migrations folder'; Code = 'Compare-CrmSchema -Path ./supabase'; Remarks = 'Replays ./supabase/migrations into a throwaway sandbox and compares the database with what they build.' }
        @{ Title = 'Capture drift as a migration'; Code = 'Compare-CrmSchema | New-CrmMigration -FromDiff -Name capture_dashboard_changes'; Remarks = 'Writes the hand-made changes as a migration and its rollback; mark it applied where the changes already are (Set-CrmMigrationState) and apply it elsewhere.' }
    )
    Links       = @('New-CrmMigration', 'Get-CrmSchemaSnapshot', 'Export-CrmSchemaSnapshot', 'Set-CrmMigrationState', 'Test-CrmDatabase')
}
