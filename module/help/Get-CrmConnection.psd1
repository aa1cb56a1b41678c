@{
    Synopsis    = 'Lists the connections registered in this session with Connect-CrmDatabase -Name.'
    Description = @'
Get-CrmConnection returns the named connections of the session, in the order they were registered: the names that every command's -Connection takes (-Connection prod,staging). Each is a CrmConnection: where it points (never its password), its read replica if it has one, and its name.

It only reads the session: it opens no connection. Connections passed as objects or connection strings are not named and are not listed.
'@
    Parameters  = @{
        Name = 'Only the connections with these names (wildcards allowed). A name without wildcards that matches nothing is an error.'
    }
    Examples    = @(
        @{
            Title   = 'See what -Connection names are known'
            Code    = "Connect-CrmDatabase -Name prod `$env:PROD_DB -NoDefault`nConnect-CrmDatabase -Name staging `$env:STAGING_DB -NoDefault`nGet-CrmConnection"
            Remarks = 'Two rows, prod and staging, with host, port, database and user.'
        }
        @{
            Title   = 'Work on every named database'
            Code    = 'Get-CrmConnection | Test-CrmDatabase'
            Remarks = 'Connections piped on their own bind to -Connection: the checks run on each database, each result names its database.'
        }
    )
    Links       = @('Connect-CrmDatabase', 'Disconnect-CrmDatabase')
}
