namespace CrmOps;

/// <summary>A private, throwaway PostgreSQL cluster. Output of Start-CrmSandbox.</summary>
public sealed class CrmSandbox
{
    /// <summary>Keyword connection string (the sandbox owner authenticates by trust on 127.0.0.1: no password to leak).</summary>
    public string ConnectionString { get; init; } = "";
    public int Port { get; init; }
    public string DataDirectory { get; init; } = "";
    public long Customers { get; init; }
    public long Orders { get; init; }
    /// <summary>
    /// The day the sample data describes (the seed's 2025-10-15): orders end the day before. Recorded in the database
    /// as crmops.reference_date, so that Update-CrmLeadScore without -AsOf scores as of it. Null for -Empty.
    /// </summary>
    public Timestamp? ReferenceDate { get; init; }
    public string Database { get; init; } = "";
    public string ServerVersion { get; init; } = "";
    public int? ProcessId { get; init; }
    public TimeSpan StartupTime { get; init; }
    public TimeSpan LoadTime { get; init; }
    public CrmConnection? Connection { get; internal set; }
    /// <summary>With -Tls: the CA certificate (PEM) to trust, e.g. 'SSL Mode=VerifyFull;Root Certificate=&lt;this&gt;'.</summary>
    public string? CertificateAuthorityPath { get; init; }
    /// <summary>The pg_cron version the server runs (jobs kept in database postgres); null when it runs without it (not installed, or -NoCron).</summary>
    public string? PgCron { get; init; }
    /// <summary>With -Standby: the streaming standby's port (its replay can be paused with pg_wal_replay_pause()).</summary>
    public int? StandbyPort { get; init; }
    /// <summary>With -Standby: connects to the standby (read-only). Connection already uses it as its read replica.</summary>
    public string? StandbyConnectionString { get; init; }
    public string? StandbyDataDirectory { get; init; }
    public int? StandbyProcessId { get; init; }
    /// <summary>With -Supabase: shaped like a hosted Supabase project (ConnectionString connects as the non-superuser postgres).</summary>
    public bool Supabase { get; init; }
    /// <summary>The role with superuser rights: postgres, or supabase_admin in the Supabase shape (trust on loopback).</summary>
    public string Superuser { get; init; } = "postgres";
    /// <summary>With -Supabase: the transaction-mode pooler's port (PgBouncer standing in for Supavisor's 6543); null when PgBouncer is not installed.</summary>
    public int? PoolerPort { get; init; }
    /// <summary>With -Supabase: connects as postgres through the transaction pooler (Pooler=transaction).</summary>
    public string? PoolerConnectionString { get; init; }
    public bool IsRunning => Cluster is { IsRunning: true };
    internal ISandboxCluster? Cluster { get; init; }
    public string? RootDirectory => Cluster?.RootDirectory;

    public override string ToString() => $"{(Supabase ? "Supabase-shaped sandbox" : "Sandbox")} on 127.0.0.1:{Port} ({Customers} customers)";
}

/// <summary>What a sandbox needs of its cluster (implemented by the core's SandboxCluster).</summary>
internal interface ISandboxCluster
{
    bool IsRunning { get; }
    string RootDirectory { get; }
    void Stop();
}
