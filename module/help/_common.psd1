# Help text for parameters that many CrmOps commands share. A command's own file can override it.
@{
    Parameters = @{
        Connection = 'The database to use: a CrmConnection (from Connect-CrmDatabase), a CrmSandbox (from Start-CrmSandbox) or a connection string (keyword form or postgresql:// URI). Without it, the session default set by Connect-CrmDatabase or Start-CrmSandbox is used, else $env:CRMOPS_CONNECTION or the libpq variables (PGHOST...).'
        WhatIf     = 'Shows what the command would do without changing anything.'
        Confirm    = 'Asks for confirmation before each change.'
    }
    Links = @('about_CrmOps')
}
