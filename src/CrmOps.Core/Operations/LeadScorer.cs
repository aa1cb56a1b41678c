using System.Diagnostics;
using System.Globalization;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Migrations;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Operations;

public sealed class ScoringOptions
{
    /// <summary>The instant the scores describe (recency decays with time). Default: the database's reference date (crmops.reference_date) when set, else now.</summary>
    public DateTimeOffset? AsOf { get; init; }
    /// <summary>Score only these customers.</summary>
    public IReadOnlyCollection<Guid>? CustomerIds { get; init; }
    /// <summary>Recompute everyone even when a targeted run would do.</summary>
    public bool Full { get; init; }
    /// <summary>Keyset batch size of a full recalculation (each batch is one short transaction).</summary>
    public int BatchSize { get; init; } = 100_000;
    /// <summary>How long a batch waits for a lock (a row an application holds, a table a migration holds) before the run gives up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How many days of recorded score changes (supabase_migrations.crmops_score_changes) to keep; older ones are pruned by the run.</summary>
    public int KeepDays { get; init; } = 400;
}

/// <summary>
/// Update-CrmLeadScore's work: RFM scores recomputed set-based by the database's own
/// lead_score_components() (the one definition of the rules), as of an instant, writing only rows
/// whose score or components change and never touching updated_at. A run after a previous whole
/// run targets only the customers that can have changed (recency band crossed, engagement row
/// changed, never scored); the first run, or -Full, walks everyone in keyset batches. Each batch
/// commits on its own (all old or all new within it) and is retried on a serialization failure or
/// deadlock with a concurrent writer. Scoring yields to applications: a role that may set
/// deadlock_timeout lowers it to 50 ms in each batch, so that in a deadlock the batch is the one aborted
/// (and retried); any other role (hosted Supabase's postgres) waits at most 50 ms for each lock and
/// retries the batch until -LockTimeout is spent, so that it is never the one an application waits for
/// when the server's deadlock detector runs. Every run is recorded in supabase_migrations.crmops_scoring_runs.
/// </summary>
public static class LeadScorer
{
    private const int MaxRetries = 10;
    /// <summary>How long a batch waits for a lock when it yields by short lock waits (far below the server's deadlock_timeout).</summary>
    internal static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(50);
    private const string Activity = "Scoring leads";

    /// <summary>
    /// Scores as of the options' instant. A what-if run computes what would change and writes nothing; a run the user
    /// declines returns null.
    /// </summary>
    public static CrmScoringResult? Update(CrmConnection connection, ScoringOptions options, ICrmHost host)
    {
        if (options.AsOf is { } given) CheckRange(given.ToUniversalTime(), "-AsOf");
        if (options.BatchSize is < 100 or > 10_000_000)
            throw new CrmException("ScoringBatchSizeOutOfRange", CrmErrorKind.InvalidArgument, "-BatchSize must be from 100 to 10,000,000.");
        if (options.LockTimeout <= TimeSpan.Zero || options.LockTimeout > TimeSpan.FromHours(1))
            throw new CrmException("LockTimeoutOutOfRange", CrmErrorKind.InvalidArgument,
                $"The lock timeout must be more than 0 and at most 1 hour, not {options.LockTimeout}: 0 would mean 'wait forever' to PostgreSQL.");
        if (options.KeepDays is < 1 or > 36_500)
            throw new CrmException("ScoringKeepDaysOutOfRange", CrmErrorKind.InvalidArgument, "-KeepDays must be from 1 to 36,500.");
        var ids = options.CustomerIds is { Count: > 0 } list ? list.Distinct().ToArray() : null;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var cancel = host.Cancellation;
        var scope = ids != null ? $"{ids.Length:N0} customer(s)" : "all customers";
        var target = $"{scope} in customer_profiles on {connection}";
        using var watch = new LockWatch(connection, options.LockTimeout);

        try
        {
            using var conn = connection.Open();
            using var registration = cancel.Register(() => { try { conn.Close(); } catch { } });
            RequireScoringColumns(conn, connection);
            var asOf = ResolveAsOf(conn, options.AsOf, host);
            var action = $"Recalculate lead scores as of {asOf:u}";

            if (host.IsWhatIf)
            {
                using var tx = conn.BeginTransaction();
                Db.MakeReadOnly(conn, tx);
                Db.SetLockTimeout(conn, tx, options.LockTimeout);
                watch.Follow(conn, tx);
                using var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-whatif.sql"), conn, tx) { CommandTimeout = 0 };
                cmd.Parameters.AddWithValue("as_of", asOf);
                cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = (object?)ids ?? DBNull.Value });
                long wouldChange, seen, hot, warm, cool, cold;
                using (var r = cmd.ExecuteReader())
                {
                    r.Read();
                    (wouldChange, seen, hot, warm, cool, cold) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));
                }
                tx.Commit();
                host.ShouldProcess(target,
                    $"{action}: {wouldChange:N0} of {seen:N0} customers would change score; afterwards Hot {hot:N0}, Warm {warm:N0}, Cool {cool:N0}, Cold {cold:N0}");
                return new CrmScoringResult
                {
                    AsOf = asOf, Customers = seen, Changed = wouldChange, Duration = clock.Elapsed,
                    Hot = hot, Warm = warm, Cool = cool, Cold = cold, WhatIf = true,
                };
            }

            if (!host.ShouldProcess(target, action)) return null;
            OpsSchema.Ensure(conn, "Scoring leads");
            var yielding = HowToYield(conn, host, options.LockTimeout);
            CrmScoringMode mode;
            long seenTotal = 0, changedTotal = 0;
            var previous = ids is null && !options.Full ? Previous(conn) : null;
            if (ids != null)
            {
                mode = CrmScoringMode.Customers;
                (seenTotal, changedTotal) = Retry(yielding, attempt => Targeted(conn, asOf, started, null, ids, yielding, attempt, watch));
            }
            else if (previous is { } prev && prev.AsOf <= asOf)
            {
                mode = CrmScoringMode.Targeted;
                host.WriteVerbose($"Targeted run: only customers that can have changed since the run as of {prev.AsOf:u} (started {prev.Started:u}).");
                (seenTotal, changedTotal) = Retry(yielding, attempt => Targeted(conn, asOf, started, prev, null, yielding, attempt, watch));
            }
            else
            {
                mode = CrmScoringMode.Full;
                var (pages, rows) = Pages(conn);
                var pagesPerBatch = Math.Max(1, rows == 0 ? pages : (long)Math.Ceiling(pages * (double)options.BatchSize / rows));
                var batches = Math.Max(1, (int)Math.Ceiling(pages / (double)pagesPerBatch));
                host.WriteVerbose($"Full recalculation as of {asOf:u} in {batches} batches of {pagesPerBatch:N0} pages (about {options.BatchSize:N0} customers each).");
                for (var i = 0; i < batches; i++)
                {
                    cancel.ThrowIfCancellationRequested();
                    var (from, to) = (i * pagesPerBatch, Math.Min(pages, (i + 1) * pagesPerBatch));
                    changedTotal += Retry(yielding, attempt => Write(conn, "Operations/scoring-batch.sql", yielding, attempt, watch,
                        ("as_of", asOf), ("run_started", started), ("from_page", from), ("to_page", to)));
                    host.WriteProgress(Activity, $"Batch {i + 1} of {batches}: {changedTotal:N0} scores changed", (i + 1) * 99 / batches);
                }
                changedTotal += Retry(yielding, attempt => Write(conn, "Operations/scoring-no-metrics.sql", yielding, attempt, watch, ("as_of", asOf), ("run_started", started)));
            }

            var counts = Segments(conn);
            var duration = clock.Elapsed;
            using (var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-run-insert.sql"), conn))
            {
                cmd.Parameters.AddWithValue("as_of", asOf);
                cmd.Parameters.AddWithValue("started_at", started);
                cmd.Parameters.AddWithValue("duration_ms", (long)duration.TotalMilliseconds);
                cmd.Parameters.AddWithValue("mode", mode.ToString());
                cmd.Parameters.AddWithValue("customers", mode == CrmScoringMode.Customers ? seenTotal : counts.Customers);
                cmd.Parameters.AddWithValue("changed", changedTotal);
                cmd.Parameters.AddWithValue("hot", counts.Hot);
                cmd.Parameters.AddWithValue("warm", counts.Warm);
                cmd.Parameters.AddWithValue("cool", counts.Cool);
                cmd.Parameters.AddWithValue("cold", counts.Cold);
                cmd.Parameters.Add(new NpgsqlParameter("average", NpgsqlDbType.Numeric) { Value = (object?)counts.Average ?? DBNull.Value });
                cmd.Parameters.AddWithValue("status", nameof(CrmScoringStatus.Succeeded));
                cmd.Parameters.Add(new NpgsqlParameter("message", NpgsqlDbType.Text) { Value = DBNull.Value });
                cmd.ExecuteNonQuery();
            }
            // Retention of the change log is part of the run.
            using (var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-prune.sql"), conn) { CommandTimeout = 0 })
            {
                cmd.Parameters.AddWithValue("keep_days", options.KeepDays);
                var pruned = cmd.ExecuteNonQuery();
                if (pruned > 0) host.WriteVerbose($"Pruned {pruned:N0} score changes recorded more than {options.KeepDays} days ago.");
            }
            host.WriteProgress(Activity, "Done", 100);
            host.WriteVerbose($"{mode} run as of {asOf:u}: {(mode == CrmScoringMode.Full ? counts.Customers : seenTotal):N0} customers examined, {changedTotal:N0} changed in {duration.TotalSeconds:0.00} s.");
            return new CrmScoringResult
            {
                AsOf = asOf, Customers = mode == CrmScoringMode.Customers ? seenTotal : counts.Customers, Changed = changedTotal, Duration = duration,
                Mode = mode, Examined = mode == CrmScoringMode.Full ? counts.Customers : seenTotal, StartedAt = started, RunBy = connection.Username,
                Hot = counts.Hot, Warm = counts.Warm, Cool = counts.Cool, Cold = counts.Cold,
            };
        }
        catch (Exception ex) when (ex is not CrmException)
        {
            if (cancel.IsCancellationRequested)
                throw new CrmException("OperationStopped", CrmErrorKind.OperationStopped,
                    "Scoring was stopped. Batches already committed keep their new scores; the rest keep their old ones. Run Update-CrmLeadScore again to finish.")
                { RecommendedAction = Advice.Command(connection, "Update-CrmLeadScore") };
            if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable })
                throw new CrmException("ScoringLockTimeout", CrmErrorKind.ResourceBusy,
                    $"Scoring on {connection.Host}:{connection.Port} gave up after waiting {options.LockTimeout.TotalSeconds:0.#} s for " +
                    $"{watch.LastWait ?? "a lock on customer_profiles (its holder could not be seen)"}. Batches already committed keep their new scores. " +
                    "Run Update-CrmLeadScore again once that session is done (or end it), or raise -LockTimeout.", "customer_profiles")
                { RecommendedAction = Advice.Command(connection, "Update-CrmLeadScore") };
            throw Db.Translate(ex, connection, "Scoring");
        }
    }

    /// <summary>
    /// The instant to score as of: -AsOf; else the database's reference date (crmops.reference_date: a sandbox records the
    /// day its sample data describes, so that scoring it "now" does not make every customer Cold), said so; else now.
    /// Warns when the instant is in the future, or so long after the newest order that no customer can be Hot.
    /// </summary>
    private static DateTimeOffset ResolveAsOf(NpgsqlConnection conn, DateTimeOffset? given, ICrmHost host)
    {
        string? reference;
        DateTimeOffset? newest;
        using (var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-context.sql"), conn))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            reference = r.StringOrNull(0);
            newest = r.ValueOrNull<DateTimeOffset>(1);
        }
        var now = DateTimeOffset.UtcNow;
        DateTimeOffset asOf;
        if (given is { } g) asOf = g.ToUniversalTime();
        else if (reference != null)
        {
            if (!DateTimeOffset.TryParse(reference, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var rd))
                throw new CrmException("ReferenceDateInvalid", CrmErrorKind.InvalidData,
                    $"The database's setting crmops.reference_date is '{reference}', not a date. Pass -AsOf, or correct it: ALTER DATABASE ... SET crmops.reference_date = '2025-10-15'.");
            asOf = rd.ToUniversalTime();
            CheckRange(asOf, "crmops.reference_date");
            host.WriteInformation($"Scoring as of {asOf:yyyy-MM-dd}, this database's reference date (crmops.reference_date: the day its sample data describes). " +
                                  "Pass -AsOf (Get-Date) to score as of now.");
        }
        else asOf = now;

        if (asOf > now.AddHours(1))
            host.WriteWarning($"Scoring as of {asOf:u}, {Days(asOf - now)} in the future: recency is counted back from that day, so these scores describe customers as they will be then, not now.");
        if (newest is { } n && asOf - n > TimeSpan.FromDays(90))
            host.WriteWarning($"The newest order is from {n:yyyy-MM-dd}, {Days(asOf - n)} before {asOf:yyyy-MM-dd}, the as-of date: no customer can be Hot " +
                              "(Hot needs an order within 90 days) and most will be Cold. " +
                              $"Score as of a date nearer the data (-AsOf {n.AddDays(1):yyyy-MM-dd}), or check that orders are still being loaded.");
        return asOf;
    }

    private static string Days(TimeSpan span) => span.TotalDays >= 2 ? $"{Math.Floor(span.TotalDays):N0} days" : $"{span.TotalHours:N0} hours";

    private static void CheckRange(DateTimeOffset asOf, string what)
    {
        if (asOf.Year is < 1990 or > 2200)
            throw new CrmException("ScoringAsOfOutOfRange", CrmErrorKind.InvalidArgument,
                $"{what} {asOf:u} is out of range (1990 to 2200).");
    }

    /// <summary>The scoring runs logged in supabase_migrations.crmops_scoring_runs, newest first (Get-CrmScoringHistory); empty when none is logged.</summary>
    public static IEnumerable<CrmScoringResult> History(CrmConnection connection, int last, CrmRunTrigger? trigger = null)
    {
        return Db.ReadOnly(connection, (conn, tx) =>
        {
            var list = new List<CrmScoringResult>();
            if (Bookkeeping.Bookkeeping.LocateReadable(conn, tx, "Reading the scoring log").ScoringRunsTable is not { } runs) return list;
            using var cmd = new NpgsqlCommand(SqlText.Fill("Operations/scoring-log-read.sql", ("scoring_runs", runs)), conn, tx);
            cmd.Parameters.AddWithValue("last", last);
            cmd.Parameters.Add(new NpgsqlParameter("trigger", NpgsqlDbType.Text) { Value = (object?)trigger?.ToString() ?? DBNull.Value });
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var mode = Enum.TryParse<CrmScoringMode>(r.GetString(3), out var m) ? m : (CrmScoringMode?)null;
                list.Add(new CrmScoringResult
                {
                    AsOf = r.GetFieldValue<DateTimeOffset>(0), StartedAt = r.GetFieldValue<DateTimeOffset>(1),
                    Duration = TimeSpan.FromMilliseconds(r.GetInt64(2)), Mode = mode,
                    Customers = r.GetInt64(4), Changed = r.GetInt64(5), Examined = mode == CrmScoringMode.Full ? r.GetInt64(4) : 0,
                    Hot = r.GetInt64(6), Warm = r.GetInt64(7), Cool = r.GetInt64(8), Cold = r.GetInt64(9), RunBy = r.GetString(10),
                    Trigger = Enum.TryParse<CrmRunTrigger>(r.GetString(11), out var t) ? t : CrmRunTrigger.Manual, Schedule = r.StringOrNull(12),
                    Status = Enum.TryParse<CrmScoringStatus>(r.GetString(13), out var st) ? st : CrmScoringStatus.Succeeded, Message = r.StringOrNull(14),
                });
            }
            return list;
        }, "Reading the scoring log");
    }

    private static void RequireScoringColumns(NpgsqlConnection conn, CrmConnection connection)
    {
        var ready = Db.Scalar<bool>(conn, null, SqlText.Get("Operations/scoring-installed.sql"));
        if (!ready)
        {
            var fix = Advice.InstallBuiltIn(connection, BuiltInMigrations.Scoring);
            throw new CrmException("ScoringNotInstalled", CrmErrorKind.ObjectNotFound,
                $"Lead scoring is not installed on {connection.Host}:{connection.Port}/{connection.Database}: customer_profiles has no lead_score column or lead_score_components() is missing; " +
                $"{fix.Why}. Run: {fix.Commands}")
            { RecommendedAction = fix.Commands };
        }
    }

    /// <summary>
    /// How the run's batches yield to applications: by a 50 ms deadlock_timeout when the role may set it (superuser, or
    /// GRANT SET ON PARAMETER deadlock_timeout), else by short lock waits. Says which, verbosely.
    /// </summary>
    private static Yielding HowToYield(NpgsqlConnection conn, ICrmHost host, TimeSpan lockTimeout)
    {
        bool allowed;
        string setting, role;
        long deadlockMs;
        using (var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-yield-allowed.sql"), conn))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            (allowed, setting, role, deadlockMs) = (r.GetBoolean(0), r.GetString(1), r.GetString(2), r.GetInt64(3));
        }
        var yielding = Yielding.For(allowed, lockTimeout, TimeSpan.FromMilliseconds(deadlockMs));
        if (allowed)
            host.WriteVerbose($"Scoring yields to applications by deadlock_timeout: role {Identifier.Quote(role)} may set it, so each batch lowers it to 50 ms " +
                              "and is the one aborted (and retried) should it deadlock with an application transaction.");
        else
            host.WriteVerbose($"Scoring yields to applications by short lock waits: role {Identifier.Quote(role)} may not set deadlock_timeout (the server's is {setting}), " +
                              $"so each batch waits at most {ShortWait.TotalMilliseconds:0} ms for a lock and is retried until {lockTimeout.TotalSeconds:0.#} s (-LockTimeout) are spent, " +
                              $"the last attempt waiting {yielding.FinalWait.TotalMilliseconds:0} ms.");
        return yielding;
    }

    /// <summary>
    /// How the batches yield (see <see cref="HowToYield"/>). <see cref="FinalWait"/>: the lock wait of a blocked batch's
    /// last attempt under short waits, long enough for the lock watch to name the holder (polled every
    /// <see cref="PollInterval"/> from a thread of its own) and still under half the server's deadlock_timeout.
    /// </summary>
    internal sealed record Yielding(bool ByDeadlockTimeout, TimeSpan LockTimeout, TimeSpan FinalWait)
    {
        internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

        internal static Yielding For(bool byDeadlockTimeout, TimeSpan lockTimeout, TimeSpan serverDeadlockTimeout)
        {
            var half = serverDeadlockTimeout / 2;
            var final = TimeSpan.FromMilliseconds(Math.Clamp(half.TotalMilliseconds, ShortWait.TotalMilliseconds, 250));
            return new Yielding(byDeadlockTimeout, lockTimeout, final < lockTimeout ? final : lockTimeout);
        }
    }

    private sealed record PreviousRun(DateTimeOffset AsOf, DateTimeOffset Started);

    private static PreviousRun? Previous(NpgsqlConnection conn)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-previous.sql"), conn);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new PreviousRun(r.GetFieldValue<DateTimeOffset>(0), r.GetFieldValue<DateTimeOffset>(1)) : null;
    }

    private static (long Pages, long Rows) Pages(NpgsqlConnection conn)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-bounds.sql"), conn);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>One batch in its own transaction (all old or all new within it); returns the rows changed.</summary>
    private static long Write(NpgsqlConnection conn, string sql, Yielding yielding, Attempt attempt, LockWatch watch,
        params (string Name, object Value)[] args)
    {
        RequireOpen(conn);
        using var tx = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using var closely = Begin(conn, tx, yielding, attempt, watch);
        using var cmd = new NpgsqlCommand(SqlText.Get(sql), conn, tx) { CommandTimeout = 0 };
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value);
        var changed = cmd.ExecuteNonQuery();
        tx.Commit();
        return changed;
    }

    private static (long Seen, long Changed) Targeted(NpgsqlConnection conn, DateTimeOffset asOf, DateTimeOffset started, PreviousRun? prev, Guid[]? ids,
        Yielding yielding, Attempt attempt, LockWatch watch)
    {
        RequireOpen(conn);
        using var tx = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using var closely = Begin(conn, tx, yielding, attempt, watch);
        using var cmd = new NpgsqlCommand(SqlText.Get("Operations/scoring-targeted.sql"), conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.AddWithValue("targeted", prev != null);
        cmd.Parameters.AddWithValue("as_of", asOf);
        cmd.Parameters.AddWithValue("run_started", started);
        cmd.Parameters.AddWithValue("prev_as_of", prev?.AsOf ?? asOf);
        cmd.Parameters.AddWithValue("prev_started", prev?.Started ?? DateTimeOffset.MaxValue);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = (object?)ids ?? DBNull.Value });
        (long, long) result;
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            result = (r.GetInt64(0), r.GetInt64(1));
        }
        tx.Commit();
        return result;
    }

    /// <summary>
    /// The start of every writing transaction: yield to applications (a 50 ms deadlock_timeout, or the attempt's short
    /// lock wait), wait at most the attempt's wait for a lock, and let the lock watch follow this transaction's
    /// backend (which can change between transactions behind a pooler). On the last attempt under short waits the watch
    /// polls closely until the returned handle is disposed (before the transaction ends).
    /// </summary>
    private static IDisposable? Begin(NpgsqlConnection conn, NpgsqlTransaction tx, Yielding yielding, Attempt attempt, LockWatch watch)
    {
        if (yielding.ByDeadlockTimeout) Db.Exec(conn, tx, SqlText.Get("Operations/scoring-yield.sql"));
        Db.SetLockTimeout(conn, tx, attempt.Wait);
        watch.Follow(conn, tx);
        return attempt.Closely ? watch.Closely(Yielding.PollInterval) : null;
    }

    /// <summary>One attempt of a batch: how long it waits for a lock, and whether the lock watch polls it closely.</summary>
    internal readonly record struct Attempt(TimeSpan Wait, bool Closely);

    /// <summary>
    /// Runs one batch until it commits. A batch that met a concurrent writer (serialization failure, deadlock) is retried
    /// whole, up to <see cref="MaxRetries"/> times. Under short lock waits a batch that could not get a lock within
    /// <see cref="ShortWait"/> is rolled back and retried after a short sleep (20 to 100 ms) until it has been failing for
    /// the lock timeout; its last attempt waits <see cref="Yielding.FinalWait"/> with the lock watch polling closely,
    /// and its lock_not_available ends the run (ScoringLockTimeout, naming the holder the watch saw).
    /// </summary>
    internal static T Retry<T>(Yielding yielding, Func<Attempt, T> batch)
    {
        Stopwatch? blocked = null; // since the batch first failed to get a lock
        var conflicts = 0;
        var lockFailures = 0;
        while (true)
        {
            TimeSpan wait;
            bool last;
            if (yielding.ByDeadlockTimeout) (wait, last) = (yielding.LockTimeout, true);
            else if (yielding.LockTimeout <= yielding.FinalWait) (wait, last) = (yielding.LockTimeout, true);
            else if (blocked is null || ShortWait + blocked.Elapsed + yielding.FinalWait < yielding.LockTimeout) (wait, last) = (ShortWait, false);
            else (wait, last) = (yielding.FinalWait, true);
            try { return batch(new Attempt(wait, last && !yielding.ByDeadlockTimeout)); }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected && ++conflicts < MaxRetries)
            {
                Thread.Sleep(20 * conflicts);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable && !last)
            {
                blocked ??= Stopwatch.StartNew();
                lockFailures++;
                Thread.Sleep(Math.Min(100, 20 * lockFailures) + Random.Shared.Next(10));
            }
        }
    }

    /// <summary>A session the server ended between two attempts (terminated, restarted) is a lost connection, not a retry.</summary>
    private static void RequireOpen(NpgsqlConnection conn)
    {
        if (conn.FullState != System.Data.ConnectionState.Open)
            throw new NpgsqlException("the server ended the session between two attempts of a batch");
    }

    internal static (long Customers, long Hot, long Warm, long Cool, long Cold, decimal? Average) Segments(NpgsqlConnection conn)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Operations/segment-counts.sql"), conn) { CommandTimeout = 0 };
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.ValueOrNull<decimal>(5));
    }
}
