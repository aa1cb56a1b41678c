using CrmOps.Connections;

namespace CrmOps;

/// <summary>
/// An open, checked connection target: one pooled data source, owned by the core. Shows where it
/// points, never the password. Output of Connect-CrmDatabase; input of every command's -Connection.
/// </summary>
public sealed class CrmConnection : IDisposable
{
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
    /// How the user named this connection on the command line (<c>$sb</c>, a connection string without a password): what a
    /// command CrmOps recommends passes as -Connection, so that following the advice works on the same database. Null
    /// when the command used the session default.
    /// </summary>
    public string? CommandArgument { get; private init; }

    /// <summary>
    /// This connection as named on a command line (<see cref="CommandArgument"/>). The copy shares this connection's
    /// pool: dispose the original, never the copy.
    /// </summary>
    public CrmConnection WithCommandArgument(string? argument) =>
        new(Handle, Host, Port, Database, Username, SslMode, Pooled, Secret)
        {
            ServerVersion = ServerVersion, IsSandbox = IsSandbox, CommandArgument = argument,
        };

    /// <summary>The connection string without its password, safe to show and log.</summary>
    public string DisplayString => $"Host={Host};Port={Port};Database={Database};Username={Username};SSL Mode={SslMode}";

    /// <summary>Removes this connection's password (and any password-shaped text) from a message.</summary>
    public string Redact(string text) => Secrets.Redact(text, Secret);

    public override string ToString() => $"{Username}@{Host}:{Port}/{Database}";

    public void Dispose() => Handle.Dispose();
}
