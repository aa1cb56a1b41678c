using System.Diagnostics;
using CrmOps.Catalog;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Migrations;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Operations;

public sealed class RefreshOptions
{
    /// <summary>null: concurrently when possible; true: concurrently or fail; false: a plain (blocking) refresh.</summary>
    public bool? Concurrently { get; init; }
    /// <summary>How long to wait for the view's lock before giving up (never queue the workload behind us).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Refreshes materialized views the way a scheduled job should: concurrently when a unique index
/// allows (readers are never blocked), skipped with a warning when another refresh is running
/// (never queued), and logged in supabase_migrations.crmops_refresh_log with rows before and after, since PostgreSQL
/// itself records no refresh time.
/// </summary>
public static class TimelineRefresher
{
    public const string DefaultView = "customer_activity_timeline";
    // Advisory lock namespace for refreshes ('CRMR'); the second key is the view's oid.
    private const int LockNamespace = 0x43524D52;
    private const string Activity = "Invoke-CrmTimelineRefresh";

    /// <summary>Refreshes one view; null when the user declines (or for a what-if run, which changes nothing).</summary>
    public static CrmRefreshResult? Refresh(CrmConnection connection, string view, RefreshOptions options, ICrmHost host)
    {
        if (options.LockTimeout <= TimeSpan.Zero || options.LockTimeout > TimeSpan.FromHours(1))
            throw new CrmException("LockTimeoutOutOfRange", CrmErrorKind.InvalidArgument,
                $"The lock timeout must be more than 0 and at most 1 hour, not {options.LockTimeout}: 0 would mean 'wait forever' to PostgreSQL.");
        var cancel = host.Cancellation;
        var (givenSchema, name) = Identifier.ParseLenient(view);
        var schema = givenSchema ?? "public";
        var display = $"{schema}.{name}";
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var conn = connection.Open();
        OpsSchema.Ensure(conn, $"Refreshing {display}");

        var info = Inspect(conn, schema, name) ?? throw Missing(connection, conn, schema, name, display);
        if (info.RelKind != "m")
            throw new CrmException("NotAMaterializedView", CrmErrorKind.InvalidArgument,
                $"'{display}' is not a materialized view (only materialized views can be refreshed).", display);

        var canConcurrently = info.Populated && info.HasUniqueIndex;
        if (options.Concurrently == true && !canConcurrently)
            throw new CrmException("RefreshConcurrentlyImpossible", CrmErrorKind.InvalidOperation,
                $"'{display}' cannot be refreshed concurrently: " +
                (!info.Populated ? "it has never been populated (run a first refresh without -Concurrently)." :
                    "it has no unique index on plain columns (no expression, no WHERE)."), display);
        var concurrently = options.Concurrently ?? canConcurrently;
        var mode = concurrently ? CrmRefreshMode.Concurrent : CrmRefreshMode.Blocking;
        if (!host.ShouldProcess($"{display} on {connection}", concurrently ? "Refresh materialized view concurrently" : "Refresh materialized view (blocks readers)"))
            return null;
        host.WriteProgress(Activity, $"Refreshing {display}", -1);
        host.WriteVerbose($"Refreshing {display} ({mode.ToString().ToLowerInvariant()}; lock timeout {options.LockTimeout.TotalSeconds:0.#} s).");

        long? before = null, after = null;
        using var registration = cancel.Register(() => { try { conn.Close(); } catch { } });
        NpgsqlTransaction? tx = null;
        using var watch = new LockWatch(connection, options.LockTimeout);
        try
        {
            tx = conn.BeginTransaction();
            Db.SetLockTimeout(conn, tx, options.LockTimeout);
            watch.Follow(conn, tx);
            // Our own concurrent runs: skip, do not queue.
            if (!Db.Scalar<bool>(conn, tx, SqlText.Get("Operations/refresh-try-lock.sql"), ("ns", LockNamespace), ("oid", (int)info.Oid)))
                return Skipped(conn, tx, display, mode, started, clock, "another CrmOps refresh of this view is running", host);
            // Anyone else's refresh (psql, pg_cron) holds or awaits EXCLUSIVE: find out without waiting.
            // (A matview cannot be LOCKed NOWAIT; pg_locks tells the same.)
            if (Db.Scalar<bool>(conn, tx, SqlText.Get("Operations/refresh-busy.sql"), ("oid", info.Oid)))
            {
                tx.Rollback(); tx = null;
                return Skipped(conn, null, display, mode, started, clock, "another session is refreshing or altering this view", host);
            }
            before = info.Populated ? Count(conn, tx, schema, name) : null;
            Db.Exec(conn, tx, SqlText.Fill("Operations/refresh.sql", ("concurrently", concurrently ? "CONCURRENTLY" : ""), ("view", Identifier.Quote(schema, name))));
            after = Count(conn, tx, schema, name);
            var result = new CrmRefreshResult
            {
                View = display, Mode = mode, Status = CrmRefreshStatus.Succeeded, RowsBefore = before, RowsAfter = after,
                StartedAt = started, Duration = clock.Elapsed, RunBy = connection.Username,
            };
            Log(conn, tx, result);
            tx.Commit();
            return result;
        }
        catch (Exception ex) when (ex is not CrmException)
        {
            try { tx?.Rollback(); } catch { /* connection may be gone */ }
            var error = ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable }
                ? new CrmException("RefreshLockTimeout", CrmErrorKind.ResourceBusy,
                    $"Refreshing {display} on {connection.Host}:{connection.Port} gave up after waiting {options.LockTimeout.TotalSeconds:0.#} s for " +
                    (watch.LastWait ?? $"a lock on {display}: {Blockers(connection, info.Oid)}") +
                    ". The view keeps its previous contents; refresh again once that session is done (or end it), or raise -LockTimeout.", display)
                { RecommendedAction = Advice.Command(connection, $"Invoke-CrmTimelineRefresh {CrmCatalog.ArgumentFor(schema == "public" ? null : schema, name)}") }
                : cancel.IsCancellationRequested
                    ? new CrmException("OperationStopped", CrmErrorKind.OperationStopped, $"Refreshing {display} was stopped; the view keeps its previous contents.", display)
                    : Db.Translate(ex, connection, $"Refreshing {display}");
            TryLogFailure(connection, new CrmRefreshResult
            {
                View = display, Mode = mode, Status = CrmRefreshStatus.Failed, RowsBefore = before, StartedAt = started,
                Duration = clock.Elapsed, Message = error.Message, RunBy = connection.Username,
            });
            throw error;
        }
        finally
        {
            host.WriteProgress(Activity, "Done", 100);
        }
    }

    public static IEnumerable<CrmRefreshResult> History(CrmConnection connection, string? view, int last, CrmRunTrigger? trigger = null)
    {
        return Db.ReadOnly(connection, (conn, tx) =>
        {
            var list = new List<CrmRefreshResult>();
            var table = Bookkeeping.Bookkeeping.LocateReadable(conn, tx, "Reading the refresh log").RefreshLogTable;
            if (table == null) return list;
            using var cmd = new NpgsqlCommand(SqlText.Fill("Operations/refresh-log-read.sql", ("refresh_log", table)), conn, tx);
            var filter = view is null ? null : Identifier.ParseLenient(view) is var (s, n) && s != null ? $"{s}.{n}" : n;
            cmd.Parameters.Add(new NpgsqlParameter("view", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)filter ?? DBNull.Value });
            cmd.Parameters.AddWithValue("last", last);
            cmd.Parameters.Add(new NpgsqlParameter("trigger", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)trigger?.ToString() ?? DBNull.Value });
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new CrmRefreshResult
                {
                    View = r.GetString(0), Mode = Enum.Parse<CrmRefreshMode>(r.GetString(1)), Status = Enum.Parse<CrmRefreshStatus>(r.GetString(2)),
                    RowsBefore = r.ValueOrNull<long>(3), RowsAfter = r.ValueOrNull<long>(4),
                    StartedAt = r.GetFieldValue<DateTimeOffset>(5), Duration = TimeSpan.FromMilliseconds(r.GetInt64(6)),
                    Message = r.StringOrNull(7), RunBy = r.GetString(8),
                    Trigger = Enum.TryParse<CrmRunTrigger>(r.GetString(9), out var t) ? t : CrmRunTrigger.Manual, Schedule = r.StringOrNull(10),
                });
            return list;
        }, "Reading the refresh log");
    }

    /// <summary>
    /// The error for a view that does not exist: for the activity timeline, how to (re)install it from the built-in
    /// migrations; for another name, the materialized views it may have meant.
    /// </summary>
    private static CrmException Missing(CrmConnection connection, NpgsqlConnection conn, string schema, string name, string display)
    {
        if (schema == "public" && name == DefaultView)
        {
            var fix = Advice.InstallBuiltIn(connection, BuiltInMigrations.Timeline);
            return new CrmException("ObjectNotFound", CrmErrorKind.ObjectNotFound,
                $"Materialized view '{display}' does not exist on {connection.Host}:{connection.Port}: {fix.Why}. Run: {fix.Commands}", display)
            { RecommendedAction = fix.Commands };
        }
        var candidates = CrmCatalog.CandidateNames(conn, null, default, "m");
        return CrmCatalog.NotFound("Materialized view", schema, name, candidates, connection: connection,
            retry: suggestion => $"Invoke-CrmTimelineRefresh {suggestion}");
    }

    private sealed record ViewInfo(long Oid, string RelKind, bool Populated, bool HasUniqueIndex);

    private static ViewInfo? Inspect(NpgsqlConnection conn, string schema, string name)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Operations/refresh-inspect.sql"), conn);
        cmd.Parameters.AddWithValue("schema", schema);
        cmd.Parameters.AddWithValue("name", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new ViewInfo(r.GetInt64(0), r.GetString(3), r.GetBoolean(4), r.GetBoolean(5)) : null;
    }

    private static CrmRefreshResult Skipped(NpgsqlConnection conn, NpgsqlTransaction? tx, string view, CrmRefreshMode mode,
        DateTimeOffset started, Stopwatch clock, string why, ICrmHost host)
    {
        var result = new CrmRefreshResult
        {
            View = view, Mode = mode, Status = CrmRefreshStatus.Skipped, StartedAt = started, Duration = clock.Elapsed,
            Message = $"Skipped: {why}.",
        };
        if (tx != null) { tx.Rollback(); }
        using var logTx = conn.BeginTransaction();
        Log(conn, logTx, result);
        logTx.Commit();
        host.WriteWarning($"{view}: {result.Message}");
        return result;
    }

    private static void TryLogFailure(CrmConnection connection, CrmRefreshResult result)
    {
        try
        {
            using var conn = connection.Open();
            using var tx = conn.BeginTransaction();
            Log(conn, tx, result);
            tx.Commit();
        }
        catch { /* the server may be down: the error itself is what matters */ }
    }

    private static void Log(NpgsqlConnection conn, NpgsqlTransaction tx, CrmRefreshResult r)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Operations/refresh-log-insert.sql"), conn, tx);
        cmd.Parameters.AddWithValue("view", r.View);
        cmd.Parameters.AddWithValue("mode", r.Mode.ToString());
        cmd.Parameters.AddWithValue("status", r.Status.ToString());
        cmd.Parameters.Add(new NpgsqlParameter("rows_before", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)r.RowsBefore ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("rows_after", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)r.RowsAfter ?? DBNull.Value });
        cmd.Parameters.AddWithValue("started_at", r.StartedAt.Value);
        cmd.Parameters.AddWithValue("duration_ms", (long)r.Duration.TotalMilliseconds);
        cmd.Parameters.Add(new NpgsqlParameter("message", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)r.Message ?? DBNull.Value });
        cmd.ExecuteNonQuery();
    }

    private static string Blockers(CrmConnection connection, long oid)
    {
        try
        {
            using var conn = connection.Open();
            using var cmd = new NpgsqlCommand(SqlText.Get("Operations/refresh-blockers.sql"), conn);
            cmd.Parameters.AddWithValue("oid", oid);
            return cmd.ExecuteScalar() is string s ? "held by " + s : "the holder has finished since.";
        }
        catch { return "the holder could not be identified."; }
    }

    private static long Count(NpgsqlConnection conn, NpgsqlTransaction tx, string schema, string name) =>
        Db.CountRows(conn, tx, schema, name);
}
