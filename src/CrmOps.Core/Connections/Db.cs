using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Connections;

/// <summary>
/// Small helpers every core service uses to talk to the database: read-only transactions for reads,
/// and one translation of server errors into <see cref="CrmException"/>s.
/// </summary>
public static class Db
{
    /// <summary>Runs <paramref name="work"/> inside a READ ONLY transaction (reads never write, even for a role that could).</summary>
    internal static T ReadOnly<T>(CrmConnection connection, Func<NpgsqlConnection, NpgsqlTransaction, T> work, string what)
    {
        using var conn = connection.Open();
        try
        {
            using var tx = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            MakeReadOnly(conn, tx);
            var result = work(conn, tx);
            tx.Commit();
            return result;
        }
        catch (Exception ex) when (ex is not CrmException)
        {
            throw Translate(ex, connection, what);
        }
    }

    /// <summary>Turns a failure during work into a one-line, typed error (no password, no stack trace).</summary>
    public static CrmException Translate(Exception ex, CrmConnection connection, string what)
    {
        if (ex is CrmException ce) return ce;
        if (ex is PostgresException pg)
        {
            var text = ConnectionFactory.FirstLine(pg.MessageText);
            var (id, kind) = pg.SqlState switch
            {
                PostgresErrorCodes.InsufficientPrivilege => ("PermissionDenied", CrmErrorKind.PermissionDenied),
                PostgresErrorCodes.ReadOnlySqlTransaction => ("ReadOnlyTransaction", CrmErrorKind.PermissionDenied),
                PostgresErrorCodes.LockNotAvailable => ("LockTimeout", CrmErrorKind.ResourceBusy),
                PostgresErrorCodes.QueryCanceled => ("StatementCancelled", CrmErrorKind.OperationStopped),
                PostgresErrorCodes.DeadlockDetected => ("Deadlock", CrmErrorKind.ResourceBusy),
                PostgresErrorCodes.SerializationFailure => ("SerializationFailure", CrmErrorKind.ResourceBusy),
                PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction or PostgresErrorCodes.UndefinedObject
                    or PostgresErrorCodes.InvalidSchemaName => ("ObjectNotFound", CrmErrorKind.ObjectNotFound),
                PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                    => ("ServerShutdown", CrmErrorKind.ConnectionError),
                _ when IsConnectionLoss(pg.SqlState) => ("ConnectionLost", CrmErrorKind.ConnectionError),
                _ when pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal)
                    => ("InvalidData", CrmErrorKind.InvalidData), // classes 22 (data exception) and 23 (integrity constraint violation)
                _ => ("DatabaseError", CrmErrorKind.InvalidOperation),
            };
            var detail = pg.Detail is { Length: > 0 } d ? " " + ConnectionFactory.FirstLine(d) : "";
            return new CrmException(id, kind,
                Secrets.Redact($"{what} failed on {connection.Endpoint}: {text} (SQLSTATE {pg.SqlState}).{detail}", connection.Secret), connection.ToString());
        }
        if (ex is NpgsqlException { InnerException: TimeoutException })
            return new CrmException("CommandTimeout", CrmErrorKind.OperationTimeout,
                Secrets.Redact($"{what} failed on {connection.Endpoint}: no answer within the connection's Command Timeout " +
                    $"({CommandTimeoutOf(connection)} s), so the connection was closed. Raise 'Command Timeout' in the connection string (0: no limit).", connection.Secret));
        if (ex is NpgsqlException ne)
            return new CrmException("ConnectionLost", CrmErrorKind.ConnectionError,
                Secrets.Redact($"{what} failed on {connection.Endpoint}: the connection was lost ({ConnectionFactory.FirstLine(ne.Message)}).", connection.Secret));
        if (ex is OperationCanceledException)
            return new CrmException("OperationStopped", CrmErrorKind.OperationStopped, $"{what} was stopped.");
        return new CrmException("UnexpectedError", CrmErrorKind.NotSpecified,
            Secrets.Redact($"{what} failed: {ConnectionFactory.FirstLine(ex.Message)}", connection.Secret));
    }

    private static string CommandTimeoutOf(CrmConnection connection)
    {
        try { return new NpgsqlConnectionStringBuilder(connection.DataSource().ConnectionString).CommandTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is InvalidCastException or ArgumentException or NullReferenceException) { return "?"; }
    }

    /// <summary>SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart).</summary>
    public static bool IsConnectionLoss(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("57P", StringComparison.Ordinal);

    /// <summary>SET TRANSACTION READ ONLY for the transaction just begun.</summary>
    internal static void MakeReadOnly(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Common/read-only.sql"), conn, tx);
        cmd.ExecuteNonQuery();
    }

    /// <summary>lock_timeout for the current transaction only.</summary>
    internal static void SetLockTimeout(NpgsqlConnection conn, NpgsqlTransaction tx, TimeSpan timeout) =>
        Exec(conn, tx, SqlText.Get("Common/set-lock-timeout.sql"),
            ("timeout", ((long)timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms"));

    /// <summary>Whether a relation exists (name as to_regclass reads it: "supabase_migrations.crmops_refresh_log", "public.customer_activity_timeline").</summary>
    internal static bool RelationExists(NpgsqlConnection conn, NpgsqlTransaction? tx, string name) =>
        Scalar<bool>(conn, tx, SqlText.Get("Common/relation-exists.sql"), ("name", name));

    /// <summary>count(*) of one relation, its name quoted.</summary>
    internal static long CountRows(NpgsqlConnection conn, NpgsqlTransaction? tx, string schema, string name) =>
        Convert.ToInt64(Scalar<object>(conn, tx, SqlText.Fill("Common/count-rows.sql", ("relation", Identifier.Quote(schema, name)))),
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs one statement (values always as parameters; no command timeout: long work is cancelled, not timed out).</summary>
    internal static void Exec(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params (string, object)[] args)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs one statement and returns its single value.</summary>
    internal static T Scalar<T>(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, params (string, object)[] args)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return (T)cmd.ExecuteScalar()!;
    }
}
