using CrmOps.Connections;
using Npgsql;

namespace CrmOps;

/// <summary>
/// An open, checked connection target: one pooled NpgsqlDataSource. Shows where it points, never
/// the password. Output of Connect-CrmDatabase; input of every command's -Connection.
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

    internal NpgsqlDataSource DataSource { get; }
    internal string ConnectionStringWithSecret { get; }
    internal string? Secret { get; }

    internal CrmConnection(NpgsqlDataSource dataSource, NpgsqlConnectionStringBuilder builder, bool pooled)
    {
        DataSource = dataSource;
        ConnectionStringWithSecret = builder.ConnectionString;
        Secret = string.IsNullOrEmpty(builder.Password) ? null : builder.Password;
        Host = builder.Host ?? "";
        Port = builder.Port;
        Database = builder.Database ?? "";
        Username = builder.Username ?? "";
        SslMode = builder.SslMode.ToString();
        Pooled = pooled;
    }

    /// <summary>The connection string without its password, safe to show and log.</summary>
    public string DisplayString => $"Host={Host};Port={Port};Database={Database};Username={Username};SSL Mode={SslMode}";

    /// <summary>Removes this connection's password (and any password-shaped text) from a message.</summary>
    public string Redact(string text) => Secrets.Redact(text, Secret);

    public override string ToString() => $"{Username}@{Host}:{Port}/{Database}";

    internal NpgsqlConnection Open() => ConnectionFactory.OpenChecked(this);

    public void Dispose() => DataSource.Dispose();
}
