# Help text for parameters that many CrmOps commands share. A command's own file can override it.
@{
    Parameters = @{
        Connection = 'The databases to use, one or several: CrmConnections (from Connect-CrmDatabase), CrmSandboxes (from Start-CrmSandbox), connection strings (keyword, libpq or postgresql:// form) or names registered with Connect-CrmDatabase -Name (-Connection prod,staging). It also binds from the pipeline, by property name: objects that carry a Connection property (the output of a command that ran on several databases, sandboxes, connections) send each to its own database. With several databases, read-only commands run on up to -ThrottleLimit at once and changing commands on one after the other, in the order given; every output object then has a Connection property, shown first in its table view. Without -Connection, the session default set by Connect-CrmDatabase or Start-CrmSandbox is used, else $env:CRMOPS_CONNECTION or the libpq variables (PGHOST...).'
        ThrottleLimit   = 'With several databases: how many a read-only command works on at once (default 4). Changing commands always run on one database after the other.'
        ContinueOnError = 'With several databases: a changing command goes on with the next database after one fails (each failure is one error naming its database). Without it, a changing command stops at the first database that fails and warns which it did not run on. Read-only commands always go on.'
        WhatIf     = 'Shows what the command would do without changing anything.'
        Confirm    = 'Asks for confirmation before each change.'
        Ledger     = 'Supabase''s migration ledger (supabase_migrations.schema_migrations) for a -Path folder. Auto (default): consulted and written when it exists, and created exactly as the Supabase CLI creates it when the folder is a Supabase project (config.toml beside migrations/). Supabase: created when missing, whatever the folder. None: CrmOps'' history only, for a folder the CLI does not manage. The built-in set (-BuiltIn) never touches the ledger.'
    }
    Links = @('about_CrmOps')
}
