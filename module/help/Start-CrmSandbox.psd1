@{
    Synopsis    = 'Starts a throwaway local PostgreSQL holding a realistic copy of the CRM database, and makes it the session default.'
    Description = @'
Start-CrmSandbox starts a private PostgreSQL cluster (initdb in a temp folder, listening on 127.0.0.1 only, on a free port), creates the CRM database crm with the production CRM's schema (the 3-row test table customers and the empty orders beside the real customer_profiles, customer_emails, customer_engagement_metrics, orders_htx, orders_eventbrite and their views) and fills it with realistic, deterministic sample data. The default size and seed reproduce the production figures of 2025-10-15: 9,369 customers and 11,864 orders (April 2021 to the day before 2025-10-15). The sandbox records that day as its reference date (the database setting crmops.reference_date, also the ReferenceDate property), so that Update-CrmLeadScore without -AsOf scores as of it and the README's flow gives the seed's segments (20 Hot leads) instead of every customer going Cold; pass -AsOf (Get-Date) to score as of today. -Customers scales the same distributions up to 10,000,000. -Empty creates the schema without rows.

It works when run as root (the server then runs as the unprivileged postgres user), finds the server binaries on PATH, under /usr/lib/postgresql/*/bin or in $env:CRMOPS_PG_BIN, and leaves nothing behind: Stop-CrmSandbox, the end of the PowerShell process or a failed start all remove the server process and its folder. The sandbox's owner role (postgres, a superuser of the private cluster) authenticates by trust on loopback, so its connection string holds no password; any other role you create there needs a password.

When pg_cron is installed beside the server binaries (Debian/Ubuntu: the package postgresql-<major>-cron), the server loads it at start (shared_preload_libraries, jobs in background workers) and it is enabled in the database postgres, pg_cron's default cron.database_name, as on a server of one's own: Register-CrmSchedule works in the sandbox, its jobs kept in postgres and run in crm. The PgCron property shows its version; it is empty, and -Verbose says why, when pg_cron is not installed. -NoCron starts a server without it, as many servers are.
'@
    Parameters  = @{
        Customers = 'How many customers to generate (100 to 10,000,000). Default 9,369, the seed''s figure; orders, emails and engagement rows scale with it.'
        Seed      = 'The random seed. The same seed always gives the same data; the default reproduces the seed''s lead-score table.'
        Empty     = 'Creates the CRM schema without any rows.'
        Tls       = 'Serves TLS only: a private CA signs a server certificate for 127.0.0.1 and localhost (key mode 0600, owned by the server user); plain TCP is rejected. The sandbox connection string uses SSL Mode=VerifyFull with the CA in CertificateAuthorityPath.'
        Supabase  = 'Shapes the sandbox like a hosted Supabase project: supabase_admin is the superuser and postgres a login role without superuser (CREATEDB CREATEROLE REPLICATION BYPASSRLS, member of anon, authenticated, service_role, pg_monitor, pg_read_all_data, pg_signal_backend); the API roles anon, authenticated, service_role (BYPASSRLS) and authenticator; schemas extensions and auth (auth.uid(), auth.role(), auth.jwt(), auth.users); Supabase''s default privileges in public (ALL on new tables, functions and sequences to the API roles); pgrst.db_schemas = ''public, graphql_public''; the CRM in database postgres, owned by postgres; and a PgBouncer in transaction mode (PoolerPort, PoolerConnectionString) standing in for Supavisor''s port 6543. ConnectionString connects as postgres; Superuser names supabase_admin. The shaped template is built once per machine.'
        NoDefault = 'Returns the sandbox without making it the session default connection.'
        NoCron    = 'Starts the server without pg_cron even when it is installed (the Supabase shape never loads it), to see what the schedule commands say on a server without it.'
        Standby   = 'Also starts a streaming standby beside it (pg_basebackup -R, a hot standby on a port of its own, inside the sandbox''s folder) and waits until it has caught up. The sandbox''s connection uses it as its read replica, so read-only commands read from it while it is current (see Connect-CrmDatabase -MaxReplicaLag); StandbyPort and StandbyConnectionString reach it directly, for instance to pause its replay with pg_wal_replay_pause(). Stop-CrmSandbox stops both.'
    }
    Examples    = @(
        @{
            Title   = 'Rehearse on a faithful copy of production'
            Code    = "Start-CrmSandbox`nGet-CrmRowCount -Exact`nStop-CrmSandbox"
            Remarks = 'Starts the default sandbox (9,369 customers), counts rows in every table, then removes the sandbox.'
        }
        @{
            Title   = 'Rehearse on a Supabase-shaped project, through the transaction pooler'
            Code    = "`$sb = Start-CrmSandbox -Supabase`nConnect-CrmDatabase `$sb.PoolerConnectionString`nInvoke-CrmMigration -BuiltIn -Confirm:`$false`nUpdate-CrmLeadScore -AsOf 2025-10-15 -Confirm:`$false"
            Remarks = 'Connects as the non-superuser postgres through the transaction pooler (as through port 6543 on Supabase), applies the built-in migrations and scores the leads.'
        }
        @{
            Title   = 'A large sandbox for benchmarks'
            Code    = '$sb = Start-CrmSandbox -Customers 1000000; $sb.LoadTime'
            Remarks = 'Loads one million customers and about 1.27 million orders with binary COPY.'
        }
        @{
            Title   = 'Reports from a standby, changes on the primary'
            Code    = "`$sb = Start-CrmSandbox -Standby`nInvoke-CrmMigration -BuiltIn -Confirm:`$false`nUpdate-CrmLeadScore -Confirm:`$false     # the primary`nGet-CrmLeadSegment Hot -Verbose          # the standby: 'Reading from the read replica ...'"
            Remarks = 'Changing commands always use the primary; read-only commands use the standby while it is at most 60 s behind, else the primary with a warning.'
        }
    )
    Links       = @('Stop-CrmSandbox', 'Connect-CrmDatabase')
}
