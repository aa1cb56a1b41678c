using System.Diagnostics;
using System.Globalization;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>The low-level steps every part of the migration engine shares: statements, the run lock, session settings.</summary>
internal static class MigrationCommands
{
    private const int LockRetryMilliseconds = 200;

    /// <summary>
    /// A command that sends a migration's statement exactly as written.
    /// </summary>
    /// <remarks>
    /// Npgsql re-splits a parameterless command on semicolons with its own lexer, which does not know BEGIN ATOMIC
    /// bodies. A command with positional parameters is sent exactly as written ("raw mode"), so every statement carries
    /// one typed, unreferenced parameter: PostgreSQL accepts declared-but-unused parameters, also on utility statements.
    /// Nothing is prepared by name, so this is safe through a transaction-mode pooler.
    /// </remarks>
    public static NpgsqlCommand Raw(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = DBNull.Value });
        return cmd;
    }

    /// <summary>Runs one statement; cancellation cancels it on the server.</summary>
    public static void Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken cancel)
    {
        using var cmd = Raw(conn, tx, sql);
        using var reg = cancel.Register(() => { try { cmd.Cancel(); } catch (InvalidOperationException) { /* already finished */ } });
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs one statement of a migration file, then applies the engine's lock_timeout again, so that it holds for the
    /// whole migration whatever the file sets (reset all, SET lock_timeout = 0, pg_dump's header). In a transaction both
    /// go in one round trip (a batch); without one, the statement must stand alone (CREATE INDEX CONCURRENTLY refuses
    /// to run in a batch's implicit transaction), so the setting follows in a second round trip.
    /// </summary>
    public static void ExecuteHolding(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, TimeSpan lockTimeout, CancellationToken cancel)
    {
        if (tx == null)
        {
            Execute(conn, null, sql, cancel);
            Run(conn, null, "set_lock_timeout_session.sql", Milliseconds(lockTimeout));
            return;
        }
        using var batch = new NpgsqlBatch(conn, tx) { Timeout = 0 };
        var statement = new NpgsqlBatchCommand(sql);
        statement.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = DBNull.Value });
        batch.BatchCommands.Add(statement);
        var restore = new NpgsqlBatchCommand(SqlText.Get("Migrations/restore_lock_timeout.sql"));
        restore.Parameters.Add(new NpgsqlParameter { Value = Milliseconds(lockTimeout) });
        batch.BatchCommands.Add(restore);
        using var reg = cancel.Register(() => { try { batch.Cancel(); } catch (InvalidOperationException) { /* already finished */ } });
        batch.ExecuteNonQuery();
    }

    /// <summary>The role setting the run starts with (restored by <see cref="RestoreSession"/>).</summary>
    public static string CurrentRole(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/current_role.sql"), conn, tx);
        return (string)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// After a migration's own statements, before CrmOps' verify queries and history rows: every setting the file
    /// changed back to the session default, the login identity and the starting role back (a file may SET ROLE to a
    /// role that cannot write CrmOps' history), then the engine's lock_timeout and search_path again. Nothing the file
    /// set outlives it on this connection (through a transaction-mode pooler it would reach other clients).
    /// </summary>
    public static void RestoreSession(NpgsqlConnection conn, NpgsqlTransaction? tx, string role, TimeSpan lockTimeout)
    {
        Run(conn, tx, "reset_settings.sql");
        Run(conn, tx, "reset_identity.sql");
        Run(conn, tx, "restore_role.sql", role);
        if (tx != null)
        {
            SetLockTimeout(conn, tx, lockTimeout);
            ExcludeOwnSchema(conn, tx);
        }
        else
        {
            Run(conn, null, "set_lock_timeout_session.sql", Milliseconds(lockTimeout));
            Run(conn, null, "search_path_session.sql");
        }
    }

    /// <summary>Whether no other session holds the migration lock right now (checked inside a transaction; released at its end).</summary>
    public static bool RunLockFree(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        using var lk = new NpgsqlCommand(SqlText.Get("Migrations/try_lock.sql"), conn, tx);
        return lk.ExecuteScalar() is true;
    }

    /// <summary>
    /// Takes the session-level migration lock on a connection of its own, for a run without a transaction: it stays
    /// held across the migration's autocommitted statements until <see cref="ReleaseSessionLock"/> (waiting up to LockWait).
    /// </summary>
    public static void AcquireSessionLock(NpgsqlConnection conn, CrmConnection connection, MigrationOptions o, ICrmHost host, string what)
    {
        var sw = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            using (var lk = new NpgsqlCommand(SqlText.Get("Migrations/try_session_lock.sql"), conn))
                if (lk.ExecuteScalar() is true) return;
            if (!told) { host.WriteVerbose($"Another migration run holds the lock on {connection}; waiting up to {o.LockWait.TotalSeconds:0.#} s."); told = true; }
            if (sw.Elapsed >= o.LockWait)
                throw new CrmException("MigrationRunInProgress", CrmErrorKind.ResourceBusy,
                    $"{what}: another migration run on {connection} held the migration lock for {o.LockWait.TotalSeconds:0.#} s (-LockWait); nothing was changed. Try again when it has finished, or raise -LockWait.", connection.ToString());
            if (host.Cancellation.WaitHandle.WaitOne(LockRetryMilliseconds)) host.Cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Releases the session-level lock; when that fails the connection is closed for good (never returned to the pool holding it).</summary>
    public static void ReleaseSessionLock(NpgsqlConnection conn)
    {
        try
        {
            using var unlock = new NpgsqlCommand(SqlText.Get("Migrations/session_unlock.sql"), conn);
            unlock.ExecuteNonQuery();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // A session lock lives as long as its server session: end it rather than pool it.
            NpgsqlConnection.ClearPool(conn);
            conn.Dispose();
        }
    }

    /// <summary>Runs one embedded SQL file (Sql/Migrations/&lt;name&gt;) with positional parameters.</summary>
    public static void Run(NpgsqlConnection conn, NpgsqlTransaction? tx, string name, params object[] args)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/" + name), conn, tx);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        cmd.ExecuteNonQuery();
    }

    /// <summary>SET LOCAL search_path without schema crmops (see search_path.sql).</summary>
    public static void ExcludeOwnSchema(NpgsqlConnection conn, NpgsqlTransaction? tx) => Run(conn, tx, "search_path.sql");

    /// <summary>SET LOCAL lock_timeout for the transaction.</summary>
    public static void SetLockTimeout(NpgsqlConnection conn, NpgsqlTransaction tx, TimeSpan timeout) => Db.SetLockTimeout(conn, tx, timeout);

    public static string Milliseconds(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    public static void SafeRollback(NpgsqlTransaction? tx)
    {
        try { if (tx?.Connection != null) tx.Rollback(); }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException) { /* the server rolls back a broken connection's transaction */ }
    }

    /// <summary>Opens a transaction with lock_timeout and the run's advisory lock (waiting up to LockWait).</summary>
    public static NpgsqlTransaction BeginLocked(NpgsqlConnection conn, CrmConnection connection, MigrationOptions o, ICrmHost host, string what)
    {
        var tx = conn.BeginTransaction(System.Data.IsolationLevel.ReadCommitted);
        SetLockTimeout(conn, tx, o.LockTimeout);
        ExcludeOwnSchema(conn, tx);
        var sw = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            using (var lk = new NpgsqlCommand(SqlText.Get("Migrations/try_lock.sql"), conn, tx))
                if (lk.ExecuteScalar() is true) return tx;
            if (!told) { host.WriteVerbose($"Another migration run holds the lock on {connection}; waiting up to {o.LockWait.TotalSeconds:0.#} s."); told = true; }
            if (sw.Elapsed >= o.LockWait)
            {
                tx.Rollback();
                throw new CrmException("MigrationRunInProgress", CrmErrorKind.ResourceBusy,
                    $"{what}: another migration run on {connection} held the migration lock for {o.LockWait.TotalSeconds:0.#} s (-LockWait); nothing was changed. Try again when it has finished, or raise -LockWait.", connection.ToString());
            }
            if (host.Cancellation.WaitHandle.WaitOne(LockRetryMilliseconds)) { tx.Rollback(); host.Cancellation.ThrowIfCancellationRequested(); }
        }
    }

    /// <summary>The first line of a statement, at most 100 characters, for messages.</summary>
    public static string FirstLine(string text)
    {
        var line = ConnectionFactory.FirstLine(text);
        return line.Length > 100 ? line[..100] + "..." : line;
    }
}
