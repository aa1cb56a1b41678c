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
    public string Database { get; init; } = "";
    public string ServerVersion { get; init; } = "";
    public int? ProcessId { get; init; }
    public TimeSpan StartupTime { get; init; }
    public TimeSpan LoadTime { get; init; }
    public CrmConnection? Connection { get; internal set; }
    /// <summary>With -Tls: the CA certificate (PEM) to trust, e.g. 'SSL Mode=VerifyFull;Root Certificate=&lt;this&gt;'.</summary>
    public string? CertificateAuthorityPath { get; init; }
    /// <summary>With -Standby: the streaming standby's port (its replay can be paused with pg_wal_replay_pause()).</summary>
    public int? StandbyPort { get; init; }
    /// <summary>With -Standby: connects to the standby (read-only). Connection already uses it as its read replica.</summary>
    public string? StandbyConnectionString { get; init; }
    public string? StandbyDataDirectory { get; init; }
    public int? StandbyProcessId { get; init; }
    public bool IsRunning => Cluster is { IsRunning: true };
    internal ISandboxCluster? Cluster { get; init; }
    public string? RootDirectory => Cluster?.RootDirectory;

    public override string ToString() => $"Sandbox on 127.0.0.1:{Port} ({Customers} customers)";
}

/// <summary>What a sandbox needs of its cluster (implemented by the core's SandboxCluster).</summary>
internal interface ISandboxCluster
{
    bool IsRunning { get; }
    string RootDirectory { get; }
    void Stop();
}
