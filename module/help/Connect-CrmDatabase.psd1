@{
    Synopsis    = 'Opens and checks a connection to a PostgreSQL CRM database and makes it the session default.'
    Description = @'
Connect-CrmDatabase resolves where to connect, opens one pooled connection to check it, and returns a CrmConnection that every other CrmOps command uses by default (or takes through -Connection).

It accepts the keyword form (Host=db.example.com;Port=5432;Username=postgres;Database=postgres), the libpq form (host=db.example.com user=postgres dbname=postgres) and the URI form that Supabase's dashboard shows (postgresql://postgres:secret@db.example.supabase.co:5432/postgres?sslmode=require). Without -ConnectionString it uses $env:CRMOPS_CONNECTION, else the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGPASSFILE and PGSSLMODE.

A password is never shown: not in the returned object, not in verbose text, not in error messages. Connection failures give one line that names host and port and the reason (refused, host not found, password rejected, database missing, TLS failed). Port 6543 (Supabase's transaction pooler) or Pooler=transaction turns off everything that would need a session to last beyond one transaction.
'@
    Parameters  = @{
        ConnectionString = 'The connection string, in keyword, libpq or postgresql:// URI form. Default: $env:CRMOPS_CONNECTION, else the libpq environment variables.'
        Credential       = 'User name and password, overriding those in the connection string. Use it to keep the password out of the string and out of your shell history.'
        NoDefault        = 'Returns the connection without making it the session default.'
    }
    Examples    = @(
        @{
            Title   = 'Connect with Supabase''s URI and a credential'
            Code    = 'Connect-CrmDatabase ''postgresql://db.abcd.supabase.co:5432/postgres?sslmode=require'' -Credential (Get-Credential postgres)'
            Remarks = 'Connects over TLS; the password comes from the credential and never appears in output.'
        }
        @{
            Title   = 'Connect from the environment in a scheduled task'
            Code    = '$env:CRMOPS_CONNECTION = ''Host=10.0.0.5;Username=crm_ops;Database=postgres;Passfile=/etc/crmops/pgpass''; Connect-CrmDatabase'
            Remarks = 'Without arguments the connection comes from $env:CRMOPS_CONNECTION, else from PGHOST, PGUSER, PGPASSFILE and the other libpq variables.'
        }
    )
    Links       = @('Disconnect-CrmDatabase', 'Start-CrmSandbox')
}
