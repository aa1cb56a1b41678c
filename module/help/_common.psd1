# Help text for parameters that many CrmOps commands share. A command's own file can override it.
@{
    Parameters = @{
        Connection = 'The database to use: a CrmConnection (from Connect-CrmDatabase), a CrmSandbox (from Start-CrmSandbox) or a connection string (keyword form or postgresql:// URI). Without it, the session default set by Connect-CrmDatabase or Start-CrmSandbox is used, else $env:CRMOPS_CONNECTION or the libpq variables (PGHOST...).'
        WhatIf     = 'Shows what the command would do without changing anything.'
        Confirm    = 'Asks for confirmation before each change.'
        Ledger     = 'Supabase''s migration ledger (supabase_migrations.schema_migrations) for a -Path folder. Auto (default): consulted and written when it exists, and created exactly as the Supabase CLI creates it when the folder is a Supabase project (config.toml beside migrations/). Supabase: created when missing, whatever the folder. None: CrmOps'' history only, for a folder the CLI does not manage. The built-in set (-BuiltIn) never touches the ledger.'
    }
    Links = @('about_CrmOps')
}
