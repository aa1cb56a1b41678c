using CrmOps.Connections;

namespace CrmOps;

/// <summary>
/// An open, checked connection target: one pooled data source, owned by the core. Shows where it
/// points, never the password. Output of Connect-CrmDatabase; input of every command's -Connection.
/// </summary>
public sealed class CrmConnection : IDisposable
{
    /// <summary>The name it is registered under for this session (Connect-CrmDatabase -Name), or null.</summary>
    public string? Name { get; internal set; }
    public string Host { get; }
    public int Port { get; }
    public string Database { get; }
    public string Username { get; }
    public string ServerVersion { get; internal set; } = "";
    public bool IsSandbox { get; internal set; }
    public string SslMode { get; }
    /// <summary>True when connecting through a transaction-mode pooler (PgBouncer, Supabase port 6543): no session state is relied on.</summary>
    public bool Pooled { get; }

    /// <summary>The pooled NpgsqlDataSource (typed as IDisposable here: this assembly has no dependencies).</summary>
    internal IDisposable Handle { get; }
    internal string? Secret { get; }

    /// <summary>
    /// The read replica that read-only commands use (Connect-CrmDatabase -ReadReplica, Start-CrmSandbox -Standby, or
    /// the standby side of a multi-host connection string), shown without its password; null without one.
    /// </summary>
    public string? ReadReplica => Replica?.Describe();

    /// <summary>How far behind the primary the read replica may be before read-only commands use the primary instead (default 60 s).</summary>
    public TimeSpan MaxReplicaLag { get; internal set; } = DefaultMaxReplicaLag;

    /// <summary>The replica lag limit unless Connect-CrmDatabase -MaxReplicaLag says otherwise.</summary>
    public static readonly TimeSpan DefaultMaxReplicaLag = TimeSpan.FromSeconds(60);

    /// <summary>The read replica as a connection of its own (own pool, own password); null without one.</summary>
    internal CrmConnection? Replica { get; set; }

    /// <summary>For a multi-host connection string: which hosts its pool may pick (e.g. "prefer-standby"); null for one host.</summary>
    internal string? TargetSession { get; set; }

    /// <summary>What else this connection owns and disposes with its pool (the multi-host data source both sides wrap).</summary>
    internal IDisposable? Owner { get; set; }

    internal CrmConnection(IDisposable handle, string host, int port, string database, string username, string sslMode, bool pooled, string? secret)
    {
        Handle = handle;
        Host = host;
        Port = port;
        Database = database;
        Username = username;
        SslMode = sslMode;
        Pooled = pooled;
        Secret = string.IsNullOrEmpty(secret) ? null : secret;
    }

    /// <summary>
    /// The connection itself: objects that name their database in a Connection property (a multi-database command's
    /// output, a CrmSandbox) bind it to the next command's -Connection, and so do connections piped on their own.
    /// </summary>
    public CrmConnection Connection => this;

    /// <summary>The connection string without its password, safe to show and log.</summary>
    public string DisplayString => $"Host={Host};Port={Port};Database={Database};Username={Username};SSL Mode={SslMode}";

    /// <summary>Removes this connection's password, its replica's, and any password-shaped text from a message.</summary>
    public string Redact(string text) => Secrets.Redact(Replica is { } r ? r.Redact(text) : text, Secret);

    /// <summary>host:port, or the host list of a multi-host connection string (each host with its port).</summary>
    public string Endpoint => Host.Contains(',', StringComparison.Ordinal) ? Host : $"{Host}:{Port}";

    public override string ToString() => $"{Username}@{Endpoint}/{Database}";

    private string Describe() => TargetSession is { } target ? $"{target} among {ToString()}" : ToString();

    public void Dispose()
    {
        Replica?.Dispose();
        Handle.Dispose();
        Owner?.Dispose();
    }
}
