using CrmOps.Errors;
using Npgsql;

namespace CrmOps.Connections;

/// <summary>
/// Small helpers every core service uses to talk to the database: read-only transactions for reads,
/// and one translation of server errors into <see cref="CrmException"/>s.
/// </summary>
public static class Db
{
    /// <summary>Runs <paramref name="work"/> inside a READ ONLY transaction (reads never write, even for a role that could).</summary>
    internal static T ReadOnly<T>(CrmConnection target, Func<NpgsqlConnection, NpgsqlTransaction, T> work, string what)
    {
        using var conn = target.Open();
        try
        {
            using var tx = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            using (var cmd = new NpgsqlCommand("SET TRANSACTION READ ONLY", conn, tx)) cmd.ExecuteNonQuery();
            var result = work(conn, tx);
            tx.Commit();
            return result;
        }
        catch (Exception ex) when (ex is not CrmException)
        {
            throw Translate(ex, target, what);
        }
    }

    /// <summary>Turns a failure during work into a one-line, typed error (no password, no stack trace).</summary>
    public static CrmException Translate(Exception ex, CrmConnection target, string what)
    {
        if (ex is CrmException ce) return ce;
        if (ex is PostgresException pg)
        {
            var text = ConnectionFactory.FirstLine(pg.MessageText);
            var (id, kind) = pg.SqlState switch
            {
                "42501" => ("PermissionDenied", CrmErrorKind.PermissionDenied),
                "25006" => ("ReadOnlyTransaction", CrmErrorKind.PermissionDenied),
                "55P03" => ("LockTimeout", CrmErrorKind.ResourceBusy),
                "57014" => ("StatementCancelled", CrmErrorKind.OperationStopped),
                "40P01" => ("Deadlock", CrmErrorKind.ResourceBusy),
                "40001" => ("SerializationFailure", CrmErrorKind.ResourceBusy),
                "42P01" or "42883" or "42704" or "3F000" => ("ObjectNotFound", CrmErrorKind.ObjectNotFound),
                "57P01" or "57P02" or "57P03" => ("ServerShutdown", CrmErrorKind.ConnectionError),
                _ when pg.SqlState.StartsWith("08", StringComparison.Ordinal) => ("ConnectionLost", CrmErrorKind.ConnectionError),
                _ when pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal) => ("InvalidData", CrmErrorKind.InvalidData),
                _ => ("DatabaseError", CrmErrorKind.InvalidOperation),
            };
            var detail = pg.Detail is { Length: > 0 } d ? " " + ConnectionFactory.FirstLine(d) : "";
            return new CrmException(id, kind,
                Secrets.Redact($"{what} failed on {target.Host}:{target.Port}: {text} (SQLSTATE {pg.SqlState}).{detail}", target.Secret), target.ToString());
        }
        if (ex is NpgsqlException ne)
            return new CrmException("ConnectionLost", CrmErrorKind.ConnectionError,
                Secrets.Redact($"{what} failed on {target.Host}:{target.Port}: the connection was lost ({ConnectionFactory.FirstLine(ne.Message)}).", target.Secret));
        if (ex is OperationCanceledException)
            return new CrmException("OperationStopped", CrmErrorKind.OperationStopped, $"{what} was stopped.");
        return new CrmException("UnexpectedError", CrmErrorKind.NotSpecified,
            Secrets.Redact($"{what} failed: {ConnectionFactory.FirstLine(ex.Message)}", target.Secret));
    }

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
