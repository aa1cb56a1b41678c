using System.Net;
using System.Net.Sockets;
using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Connections;

/// <summary>
/// Turns what a user types (keyword form, libpq form, postgresql:// URI, environment) into a checked
/// <see cref="CrmConnection"/>, and every connection failure into a one-line <see cref="CrmException"/>
/// that names host and port and never the password.
/// </summary>
public static class ConnectionFactory
{
    /// <summary>Attempts made to open a connection before any work starts (transient failures only).</summary>
    public static int OpenAttempts { get; set; } = 5;

    /// <summary>
    /// Resolves the connection settings: explicit string, else $env:CRMOPS_CONNECTION, else the libpq
    /// variables. A credential (user, password) overrides what the string says.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Resolve(string? connectionString, NetworkCredential? credential = null,
        IDictionary<string, string?>? environment = null)
    {
        string? Env(string name) => environment != null
            ? (environment.TryGetValue(name, out var v) ? v : null)
            : Environment.GetEnvironmentVariable(name);

        NpgsqlConnectionStringBuilder builder;
        if (string.IsNullOrWhiteSpace(connectionString))
            connectionString = Env("CRMOPS_CONNECTION");

        if (!string.IsNullOrWhiteSpace(connectionString))
            builder = ConnectionStringParser.Parse(connectionString);
        else
        {
            builder = new NpgsqlConnectionStringBuilder
            {
                Host = NullIfEmpty(Env("PGHOST")) ?? "localhost",
                Port = int.TryParse(Env("PGPORT"), out var port) ? port : 5432,
                Username = NullIfEmpty(Env("PGUSER")) ?? Environment.UserName,
            };
            builder.Database = NullIfEmpty(Env("PGDATABASE")) ?? builder.Username;
            if (NullIfEmpty(Env("PGPASSWORD")) is { } pw) builder.Password = pw;
            if (NullIfEmpty(Env("PGSSLMODE")) is { } ssl) builder.SslMode = ConnectionStringParser.ParseSslMode(ssl);
        }

        if (string.IsNullOrEmpty(builder.Passfile) && NullIfEmpty(Env("PGPASSFILE")) is { } passfile)
            builder.Passfile = passfile;

        if (credential != null)
        {
            if (!string.IsNullOrEmpty(credential.UserName)) builder.Username = credential.UserName;
            builder.Password = credential.Password;
        }

        if (string.IsNullOrEmpty(builder.Host))
            throw new CrmException("ConnectionHostMissing", CrmErrorKind.InvalidArgument,
                "The connection string names no host. Use 'Host=...;Username=...;Database=...' or 'postgresql://user@host:5432/db'.");
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "CrmOps";
        if (builder.Timeout == 15) builder.Timeout = 10;
        // A transaction-mode pooler (Supabase's port 6543, PgBouncer) swaps sessions between
        // transactions: no prepared statements may outlive a transaction, no session reset.
        if (builder.Port == 6543) MarkPooled(builder);
        return builder;
    }

    /// <summary>Settings for a transaction-mode pooler: nothing may outlive a transaction.</summary>
    internal static void MarkPooled(NpgsqlConnectionStringBuilder builder)
    {
        builder.MaxAutoPrepare = 0;
        builder.NoResetOnClose = true;
    }

    internal static bool IsPooled(NpgsqlConnectionStringBuilder builder) => builder.NoResetOnClose && builder.MaxAutoPrepare == 0;

    /// <summary>Builds the pooled data source and checks it by opening one connection.</summary>
    public static CrmConnection Connect(NpgsqlConnectionStringBuilder builder, bool isSandbox = false)
    {
        var connection = Build(builder);
        connection.IsSandbox = isSandbox;
        try
        {
            using var conn = OpenChecked(connection);
            connection.ServerVersion = conn.PostgreSqlVersion.ToString();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    /// <summary>
    /// Gives a connection a read replica of its own: read-only commands go there while it is no more than
    /// <paramref name="maxLag"/> behind. The replica string may leave out what it shares with the primary (user,
    /// password, database, TLS settings): what it does not say is taken from the primary's settings. Not opened here:
    /// a replica that cannot be reached is found out, with a warning, when a command would use it.
    /// </summary>
    public static void AddReadReplica(CrmConnection primary, NpgsqlConnectionStringBuilder primarySettings, string replica, TimeSpan? maxLag = null)
    {
        var given = ConnectionStringParser.Parse(replica);
        var merged = new NpgsqlConnectionStringBuilder(primarySettings.ConnectionString);
        foreach (var (key, value) in ExplicitPairs(given)) merged[key] = value;
        if (IsPooled(given)) MarkPooled(merged);
        if (string.IsNullOrEmpty(merged.Host))
            throw new CrmException("ReadReplicaHostMissing", CrmErrorKind.InvalidArgument,
                "The read replica's connection string names no host. Use 'Host=replica.example.com' or 'postgresql://user@replica:5432/db'.");
        primary.Replica?.Dispose();
        primary.Replica = Build(merged);
        primary.Replica.IsSandbox = primary.IsSandbox;
        if (maxLag is { } lag) LimitReplicaLag(primary, lag);
    }

    /// <summary>Gives a connection the name it is registered under in a session (Connect-CrmDatabase -Name).</summary>
    public static void Name(CrmConnection connection, string? name) => connection.Name = name;

    /// <summary>How far behind its primary a connection's read replica may be before read-only commands use the primary.</summary>
    public static void LimitReplicaLag(CrmConnection connection, TimeSpan maxLag)
    {
        if (maxLag <= TimeSpan.Zero)
            throw new CrmException("MaxReplicaLagOutOfRange", CrmErrorKind.InvalidArgument, "-MaxReplicaLag must be more than zero seconds.");
        connection.MaxReplicaLag = maxLag;
    }

    /// <summary>The keywords a connection string set explicitly (NpgsqlConnectionStringBuilder.ConnectionString holds only those).</summary>
    private static IEnumerable<(string Key, object Value)> ExplicitPairs(NpgsqlConnectionStringBuilder builder)
    {
        var probe = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = builder.ConnectionString };
        foreach (string key in probe.Keys) yield return (key, probe[key]);
    }

    /// <summary>
    /// The pooled data source(s) behind a connection. One host: one pool. Several hosts (Host=a:5432,b:5432) or a
    /// Target Session Attributes: one multi-host pool with two views of it, a primary for everything that changes or
    /// needs the latest state, and (unless the string asks for a primary) a standby-preferring one that read-only
    /// commands use as their read replica. (Npgsql 9 refuses Target Session Attributes on a data source's string:
    /// it is taken out here and applied per view.)
    /// </summary>
    private static CrmConnection Build(NpgsqlConnectionStringBuilder builder)
    {
        var pooled = IsPooled(builder);
        var target = ParseTargetSession(builder.TargetSessionAttributes);
        var hosts = builder.Host ?? "";
        if (target == null && !hosts.Contains(',', StringComparison.Ordinal))
            return new CrmConnection(new NpgsqlDataSourceBuilder(builder.ConnectionString).Build(), hosts, builder.Port, builder.Database ?? "",
                builder.Username ?? "", builder.SslMode.ToString(), pooled, builder.Password);

        var settings = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { TargetSessionAttributes = null };
        var multi = new NpgsqlDataSourceBuilder(settings.ConnectionString).BuildMultiHost();
        var wantsPrimary = target is TargetSessionAttributes.Primary or TargetSessionAttributes.ReadWrite or TargetSessionAttributes.PreferPrimary;
        var writeTarget = wantsPrimary ? target!.Value : TargetSessionAttributes.Primary;
        var connection = new CrmConnection(multi.WithTargetSession(writeTarget), hosts, builder.Port, builder.Database ?? "",
            builder.Username ?? "", builder.SslMode.ToString(), pooled, builder.Password)
        { Owner = multi, TargetSession = Spell(writeTarget) };
        if (!wantsPrimary)
        {
            var readTarget = target is TargetSessionAttributes.Standby or TargetSessionAttributes.ReadOnly ? target.Value : TargetSessionAttributes.PreferStandby;
            connection.Replica = new CrmConnection(multi.WithTargetSession(readTarget), hosts, builder.Port, builder.Database ?? "",
                builder.Username ?? "", builder.SslMode.ToString(), pooled, builder.Password)
            { TargetSession = Spell(readTarget), Owner = NoOwnership.Instance };
        }
        return connection;
    }

    /// <summary>The replica view of a multi-host pool disposes nothing itself: its primary's connection owns the pool.</summary>
    private sealed class NoOwnership : IDisposable
    {
        public static readonly NoOwnership Instance = new();
        public void Dispose() { }
    }

    /// <summary>libpq's target_session_attrs values (Npgsql's Target Session Attributes takes the same).</summary>
    internal static TargetSessionAttributes? ParseTargetSession(string? value) =>
        value?.Trim().ToLowerInvariant().Replace('_', '-') switch
        {
            null or "" => null,
            "any" => TargetSessionAttributes.Any,
            "read-write" or "readwrite" => TargetSessionAttributes.ReadWrite,
            "read-only" or "readonly" => TargetSessionAttributes.ReadOnly,
            "primary" => TargetSessionAttributes.Primary,
            "standby" => TargetSessionAttributes.Standby,
            "prefer-primary" or "preferprimary" => TargetSessionAttributes.PreferPrimary,
            "prefer-standby" or "preferstandby" => TargetSessionAttributes.PreferStandby,
            _ => throw new CrmException("ConnectionStringInvalid", CrmErrorKind.InvalidArgument,
                $"Target Session Attributes '{value}' is not one of any, read-write, read-only, primary, standby, prefer-primary, prefer-standby."),
        };

    private static string Spell(TargetSessionAttributes target) => target switch
    {
        TargetSessionAttributes.ReadWrite => "read-write",
        TargetSessionAttributes.ReadOnly => "read-only",
        TargetSessionAttributes.PreferPrimary => "prefer-primary",
        TargetSessionAttributes.PreferStandby => "prefer-standby",
        _ => target.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// A connection for a -Connection string, not opened yet: a failure (unreachable host, bad
    /// password, even a malformed string) surfaces at the command's first use as that command's own
    /// CrmOps error, after the bounded retries, instead of as a parameter-binding error.
    /// </summary>
    public static CrmConnection Deferred(string connectionString)
    {
        try
        {
            return Build(Resolve(connectionString));
        }
        catch (Exception ex)
        {
            var error = ex as CrmException ?? new CrmException("ConnectionStringInvalid", CrmErrorKind.InvalidArgument,
                "The connection string is not valid: " + Secrets.Redact(FirstLine(ex.Message), null));
            return new CrmConnection(new FailedHandle(error), "", 0, "", "", "", false, null);
        }
    }

    /// <summary>The handle of a connection that cannot work: using it throws the error.</summary>
    internal sealed class FailedHandle(CrmException error) : IDisposable
    {
        public CrmException Error { get; } = error;
        public void Dispose() { }
    }

    public static CrmConnection Connect(string? connectionString, NetworkCredential? credential = null, bool isSandbox = false)
        => Connect(Resolve(connectionString, credential), isSandbox);

    /// <summary>Connect-CrmDatabase's work: the checked connection, with its read replica (not opened yet) and lag limit.</summary>
    public static CrmConnection Connect(string? connectionString, NetworkCredential? credential, string? readReplica, TimeSpan maxReplicaLag)
    {
        var settings = Resolve(connectionString, credential);
        var connection = Connect(settings);
        try
        {
            if (readReplica != null) AddReadReplica(connection, settings, readReplica);
            LimitReplicaLag(connection, maxReplicaLag);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a pooled connection. Failures before any work starts that are likely transient (server
    /// starting or restarting, too many connections, connection refused) are retried with backoff a
    /// bounded number of times; everything else fails at once with a one-line error.
    /// </summary>
    /// <remarks>
    /// <paramref name="attempts"/> bounds the attempts to reach the server (a read replica's probe uses 1: when it is
    /// down, the primary serves at once). A pooled connection found dead is not an attempt: the pool is cleared and
    /// a fresh connection tried, up to <see cref="OpenAttempts"/> times.
    /// </remarks>
    internal static NpgsqlConnection OpenChecked(CrmConnection connection, int? attempts = null)
    {
        if (connection.Handle is FailedHandle failed) throw failed.Error;
        var delay = TimeSpan.FromMilliseconds(200);
        var tries = OpenAttempts;
        var reachTries = attempts ?? OpenAttempts;
        var reachAttempt = 0;
        for (var attempt = 1; ; attempt++)
        {
            NpgsqlConnection? conn = null;
            try
            {
                conn = connection.DataSource().OpenConnection();
                // A pooled connection may have died while idle (server restarted, backend terminated):
                // a one-round-trip probe finds out before any work starts, when retrying is still safe.
                using (var probe = new NpgsqlCommand(SqlText.Get("Common/ping.sql"), conn)) probe.ExecuteNonQuery();
                if (string.IsNullOrEmpty(connection.ServerVersion)) connection.ServerVersion = conn.PostgreSqlVersion.ToString();
                return conn;
            }
            catch (Exception ex) when (conn != null && attempt < tries && IsTransient(ex))
            {
                // Every idle connection of the pool is as stale as this one.
                NpgsqlConnection.ClearPool(conn);
                conn.Dispose();
            }
            catch (Exception ex) when (++reachAttempt < reachTries && attempt < tries && IsTransient(ex))
            {
                Thread.Sleep(delay);
                delay *= 2.5;
            }
            catch (Exception ex)
            {
                conn?.Dispose();
                throw Translate(ex, connection.Endpoint, connection.Username, connection.Database, connection.Secret, connection.DisplayString);
            }
        }
    }

    internal static bool IsTransient(Exception ex)
    {
        if (ex is PostgresException pg)
            return pg.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.AdminShutdown
                or PostgresErrorCodes.ConnectionFailure or PostgresErrorCodes.SqlClientUnableToEstablishSqlConnection;
        if (ex is NpgsqlException { InnerException: SocketException se })
            return se.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset;
        if (ex is NpgsqlException { InnerException: EndOfStreamException or IOException })
            return true;
        return false;
    }

    /// <summary>Turns a connection failure into a one-line error naming host and port, never the password.</summary>
    public static CrmException Translate(Exception ex, string host, int port, string user, string database, string? secret, string? display = null) =>
        Translate(ex, $"{host}:{port}", user, database, secret, display ?? $"Host={host};Port={port};Database={database};Username={user}");

    /// <summary>The same, for an endpoint already spelled (host:port, or a multi-host list); display is the connection string without its password.</summary>
    public static CrmException Translate(Exception ex, string where, string user, string database, string? secret, string? display = null)
    {
        if (ex is CrmException ce) return ce;
        CrmException result = ex switch
        {
            NpgsqlException ne when ne.Message.StartsWith("No password has been provided", StringComparison.Ordinal) => new CrmException("ConnectionPasswordMissing", CrmErrorKind.AuthenticationError,
                $"Cannot connect to {where}: the server asks user \"{user}\" for a password and none was given. Give it with -Credential (Get-Credential), " +
                "in a pgpass file (PGPASSFILE, Passfile=... in the connection string, or ~/.pgpass), or in $env:CRMOPS_CONNECTION (or PGPASSWORD) for unattended runs.")
            {
                RecommendedAction = $"Connect-CrmDatabase '{display ?? $"Host={where};Database={database};Username={user}"}' -Credential (Get-Credential '{user.Replace("'", "''", StringComparison.Ordinal)}')",
            },
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } => new CrmException("ConnectionAuthenticationFailed", CrmErrorKind.AuthenticationError,
                $"Cannot connect to {where}: password authentication failed for user \"{user}\"."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidAuthorizationSpecification } pg => new CrmException("ConnectionRejected", CrmErrorKind.AuthenticationError,
                $"Cannot connect to {where}: the server rejected user \"{user}\" on database \"{database}\" ({FirstLine(pg.MessageText)})."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => new CrmException("ConnectionDatabaseNotFound", CrmErrorKind.ObjectNotFound,
                $"Cannot connect to {where}: database \"{database}\" does not exist."),
            // The server accepted the login but cancelled the first query: a statement_timeout too short for any work.
            PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } pg => new CrmException("ConnectionStatementTimeout", CrmErrorKind.InvalidArgument,
                $"Connected to {where} as \"{user}\", but the server cancelled CrmOps' first query ({FirstLine(pg.MessageText)}): statement_timeout is too short for any work. " +
                "It comes from the connection string (Options=-c statement_timeout=...), PGOPTIONS, or ALTER ROLE/DATABASE ... SET statement_timeout: remove it, or make it at least a few seconds."),
            PostgresException pg => new CrmException("ConnectionFailed", CrmErrorKind.ConnectionError,
                $"Cannot connect to {where}: {FirstLine(pg.MessageText)} (SQLSTATE {pg.SqlState})."),
            NpgsqlException { InnerException: SocketException se } => new CrmException("ConnectionUnreachable", CrmErrorKind.ConnectionError,
                $"Cannot connect to {where}: {SocketReason(se)}."),
            SocketException se => new CrmException("ConnectionUnreachable", CrmErrorKind.ConnectionError,
                $"Cannot connect to {where}: {SocketReason(se)}."),
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => new CrmException("ConnectionTimeout", CrmErrorKind.OperationTimeout,
                $"Cannot connect to {where}: the connection attempt timed out."),
            NpgsqlException { InnerException: System.Security.Authentication.AuthenticationException ae } => new CrmException("ConnectionSslFailed", CrmErrorKind.SecurityError,
                $"Cannot connect to {where}: TLS negotiation failed ({FirstLine(ae.Message)})."),
            NpgsqlException ne when ne.Message.Contains("SSL", StringComparison.OrdinalIgnoreCase) => new CrmException("ConnectionSslFailed", CrmErrorKind.SecurityError,
                $"Cannot connect to {where}: {FirstLine(ne.Message)}"),
            ObjectDisposedException => new CrmException("ConnectionClosed", CrmErrorKind.ConnectionError,
                $"Cannot connect to {where}: this connection was closed (by Stop-CrmSandbox or Disconnect-CrmDatabase). Connect again, or leave it out."),
            ArgumentException ae => new CrmException("ConnectionStringInvalid", CrmErrorKind.InvalidArgument,
                $"The connection string for {where} is not valid: {FirstLine(ae.Message)}"),
            _ => new CrmException("ConnectionFailed", CrmErrorKind.ConnectionError,
                $"Cannot connect to {where}: {FirstLine(ex.Message)}"),
        };
        return Redact(result, secret, ex);
    }

    private static CrmException Redact(CrmException e, string? secret, Exception inner)
    {
        var message = Secrets.Redact(e.Message, secret);
        // The inner exception is not kept: its text or data could carry what we must not show.
        return new CrmException(e.ErrorId, e.Kind, message, e.TargetObject)
        {
            RecommendedAction = e.RecommendedAction is { } action ? Secrets.Redact(action, secret) : null,
        };
    }

    private static string SocketReason(SocketException se) => se.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (is the server running and listening on that port?)",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
        SocketError.TimedOut => "the connection attempt timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
        _ => FirstLine(se.Message),
    };

    public static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return (i < 0 ? s : s[..i]).Trim();
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}


/// <summary>The core's view of a CrmConnection: its pooled data source, and opening a connection from it.</summary>
public static class CrmConnectionAccess
{
    internal static NpgsqlDataSource DataSource(this CrmConnection connection) => (NpgsqlDataSource)connection.Handle;

    /// <summary>An open connection from the pool, checked alive (transient failures retried); a CrmException otherwise.</summary>
    public static NpgsqlConnection Open(this CrmConnection connection) => ConnectionFactory.OpenChecked(connection);

    /// <summary>
    /// An open, unpooled connection to another database of the same server with the same role and settings
    /// (pg_cron's own database, when it is not the CRM's); a CrmException naming that database otherwise.
    /// </summary>
    public static NpgsqlConnection OpenDatabase(this CrmConnection connection, string database) =>
        OpenUnpooled(connection, database, b => b.Database = database);

    /// <summary>
    /// An open, unpooled connection without a client-side command timeout, for a COPY export: Npgsql times COPY reads
    /// by the connection string's Command Timeout (30 s; a stream's ReadTimeout is not honoured), so an export whose
    /// query sorts for longer than that before its first row (10 million leads) would lose its connection.
    /// </summary>
    public static NpgsqlConnection OpenForCopy(this CrmConnection connection) =>
        OpenUnpooled(connection, connection.Database, b => b.CommandTimeout = 0);

    private static NpgsqlConnection OpenUnpooled(CrmConnection connection, string database, Action<NpgsqlConnectionStringBuilder> change)
    {
        if (connection.Handle is ConnectionFactory.FailedHandle failed) throw failed.Error;
        var builder = new NpgsqlConnectionStringBuilder(connection.DataSource().ConnectionString) { Pooling = false };
        change(builder);
        if (connection.Secret != null) builder.Password = connection.Secret;
        var conn = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            conn.Open();
            return conn;
        }
        catch (Exception ex)
        {
            conn.Dispose();
            throw ConnectionFactory.Translate(ex, connection.Host, connection.Port, connection.Username, database, connection.Secret);
        }
    }
}
