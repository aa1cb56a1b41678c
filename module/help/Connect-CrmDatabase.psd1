@{
    Synopsis    = 'Opens and checks a connection to a PostgreSQL CRM database and makes it the session default.'
    Description = @'
Connect-CrmDatabase resolves where to connect, opens one pooled connection to check it, and returns a CrmConnection that every other CrmOps command uses by default (or takes through -Connection).

It accepts the keyword form (Host=db.example.com;Port=5432;Username=postgres;Database=postgres), the libpq form (host=db.example.com user=postgres dbname=postgres) and the URI form that Supabase's dashboard shows (postgresql://postgres:secret@db.example.supabase.co:5432/postgres?sslmode=require). Without -ConnectionString it uses $env:CRMOPS_CONNECTION, else the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGPASSFILE and PGSSLMODE.

A password is never shown: not in the returned object, not in verbose text, not in error messages. Connection failures give one line that names host and port and the reason (refused, host not found, password rejected, database missing, TLS failed). Port 6543 (Supabase's transaction pooler) or Pooler=transaction turns off everything that would need a session to last beyond one transaction.

A connection can carry a read replica: -ReadReplica, or a multi-host string (Host=primary:5432,replica:5432, libpq's host=a,b port=5432,5433, or postgresql://a:5432,b:5432/postgres) with or without Target Session Attributes. Read-only commands (discovery, row counts, lead reports, the timeline, checks) then read from the replica, while everything that changes data or needs the latest state (migrations, refresh, scoring, migration history) uses the primary. Before each read-only command the replica's replay lag is checked; beyond -MaxReplicaLag, or when the replica cannot be reached, the command reads from the primary and says so in a warning. -Verbose shows which server each command read from.
'@
    Parameters  = @{
        ConnectionString = 'The connection string, in keyword, libpq or postgresql:// URI form. Default: $env:CRMOPS_CONNECTION, else the libpq environment variables.'
        Credential       = 'User name and password, overriding those in the connection string. Use it to keep the password out of the string and out of your shell history.'
        NoDefault        = 'Returns the connection without making it the session default.'
        Name             = 'Registers the connection under this name for the session (letters, digits, - _ .): every command then takes -Connection <name>, or several names, -Connection prod,staging. Get-CrmConnection lists the names; connecting again with a name replaces its connection; Disconnect-CrmDatabase -Name forgets it.'
        ReadReplica      = 'A read replica (for example a Supabase read replica, or a streaming standby) for read-only commands, as a connection string in any of the three forms. What it leaves out (user, password, database, TLS settings) is taken from the primary''s, so ''Host=replica.internal'' is often enough. A replica that cannot be reached gives a warning, not an error: reads then go to the primary.'
        MaxReplicaLag    = 'How far behind the primary the read replica may be (seconds, or a TimeSpan; default 60) before read-only commands read from the primary instead, with a warning. The lag is zero while the replica has replayed everything it received from a live WAL stream; otherwise it is the time since the last transaction it replayed, an upper bound.'
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
        @{
            Title   = 'Reports from a read replica'
            Code    = "Connect-CrmDatabase 'postgresql://db.abcd.supabase.co:5432/postgres?sslmode=require' -Credential `$cred -ReadReplica 'Host=db-rr.abcd.supabase.co' -MaxReplicaLag 30`nGet-CrmLeadSegment Hot | Export-Csv hot.csv   # from the replica`nUpdate-CrmLeadScore -Confirm:`$false          # on the primary"
            Remarks = 'The replica inherits user, password, database and TLS settings from the primary. When it is more than 30 s behind, the report reads from the primary and warns.'
        }
        @{
            Title   = 'A multi-host string'
            Code    = "Connect-CrmDatabase 'Host=pg1:5432,pg2:5432;Username=crm_ops;Database=crm;Target Session Attributes=prefer-standby'"
            Remarks = 'Changing commands pick the host that is a primary; read-only commands prefer a standby among the hosts (any host when none is).'
        }
        @{
            Title   = 'Name the databases of several projects and work on all of them'
            Code    = "Connect-CrmDatabase -Name prod `$env:PROD_DB -NoDefault`nConnect-CrmDatabase -Name staging `$env:STAGING_DB -NoDefault`nGet-CrmRowCount customer_profiles -Exact -Connection prod,staging"
            Remarks = 'One row per database, each with a Connection column naming it; the counts run on both at once.'
        }
    )
    Links       = @('Get-CrmConnection', 'Disconnect-CrmDatabase', 'Start-CrmSandbox')
}
