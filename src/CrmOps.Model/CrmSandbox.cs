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
    /// <summary>The pg_cron version the server runs (jobs kept in database postgres); null when it runs without it (not installed, or -NoCron).</summary>
    public string? PgCron { get; init; }
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
