using System.Diagnostics;
using System.Globalization;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>How a run behaves, and the callbacks through which the cmdlet layer sees it (all called on the caller's thread).</summary>
public sealed class MigrationOptions
{
    /// <summary>lock_timeout for every statement of a migration (default 5 s): a migration never queues the workload behind itself.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long to wait for another run's advisory lock before failing (default 30 s).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(30);
    public bool AllowOutOfOrder { get; init; }
    /// <summary>Invoke: apply up to and including this version. Undo: roll back every applied version newer than it.</summary>
    public string? Target { get; init; }
    /// <summary>Undo: how many applied migrations to roll back, newest first (default 1).</summary>
    public int Count { get; init; } = 1;
    public Action<string>? Verbose { get; init; }
    public Action<string, int>? Progress { get; init; }
    /// <summary>Asked before each migration runs, with a description that names the migration and the database; false skips it.</summary>
    public Func<string, string, bool>? ShouldProcess { get; init; }
    public CancellationToken Cancel { get; init; }
}

/// <summary>
/// The migration engine: applies, plans, undoes, validates and rehearses a <see cref="MigrationSet"/> against a database.
/// Each migration runs in one transaction together with its history rows, under a transaction-level advisory lock
/// (so it works through a transaction-mode pooler), with lock_timeout, and re-checks the history after taking the lock.
/// </summary>
public static class MigrationEngine
{
    private const int LockRetryMilliseconds = 200;

    // ---------------------------------------------------------------- status

    public static IReadOnlyList<CrmMigration> GetStatus(CrmConnection target, MigrationSet set)
    {
        var history = Db.ReadOnly(target, (c, tx) => MigrationHistory.Read(c, tx), "Reading the migration history");
        return Join(set, history);
    }

    internal static IReadOnlyList<CrmMigration> Join(MigrationSet set, Dictionary<string, HistoryEntry> history)
    {
        var list = new List<CrmMigration>();
        foreach (var f in set.Migrations)
        {
            history.TryGetValue(f.Version, out var h);
            var state = h switch
            {
                null => CrmMigrationState.Pending,
                { Direction: CrmMigrationDirection.Down } => CrmMigrationState.RolledBack,
                { Checksum: { } sum } when !string.Equals(sum, f.Checksum, StringComparison.Ordinal) => CrmMigrationState.Modified,
                _ => CrmMigrationState.Applied,
            };
            list.Add(ToModel(f, state, h));
        }
        foreach (var h in history.Values.Where(h => h.Direction == CrmMigrationDirection.Up && set.Migrations.All(f => f.Version != h.Version)))
            list.Add(new CrmMigration
            {
                Version = h.Version, Name = h.Name ?? "", State = CrmMigrationState.Missing, AppliedAt = h.AppliedAt,
                AppliedBy = h.AppliedBy, Checksum = h.Checksum, Transactional = h.Transactional,
            });
        return list.OrderBy(m => m.Version, StringComparer.Ordinal).ToList();
    }

    public static CrmMigration ToModel(MigrationFile f, CrmMigrationState state, HistoryEntry? h = null) => new()
    {
        Version = f.Version,
        Name = f.Name,
        State = state,
        AppliedAt = h?.AppliedAt,
        AppliedBy = h?.AppliedBy,
        Checksum = f.Checksum,
        HasRollback = f.RollbackPath != null,
        HasVerify = f.VerifyPath != null,
        Transactional = f.Transactional,
        Requirements = f.Directives.Requirements.Select(r => r.ToString()).ToArray(),
        Path = f.Path,
        RollbackPath = f.RollbackPath,
        VerifyPath = f.VerifyPath,
    };

    private static bool IsApplied(CrmMigrationState s) => s is CrmMigrationState.Applied or CrmMigrationState.Modified;

    // ---------------------------------------------------------------- checks before anything runs

    /// <summary>The pending migrations of a run, after every refusal that must happen before anything runs.</summary>
    private static List<MigrationFile> Pending(CrmConnection target, MigrationSet set, MigrationOptions o, IReadOnlyList<CrmMigration> status)
    {
        set.ThrowIfInvalid();
        if (o.Target != null && set.Migrations.All(f => f.Version != o.Target))
            throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"No migration with version {o.Target} in '{set.Root}'.", o.Target);
        var modified = status.Where(m => m.State == CrmMigrationState.Modified).ToList();
        if (modified.Count > 0)
            throw new CrmException("MigrationModified", CrmErrorKind.InvalidData,
                $"Refused: applied migration(s) changed since they were applied: {string.Join(", ", modified.Select(m => m.Path ?? m.FileName))} (checksum differs from the history). Restore the file, or write a new migration for the change.", modified[0].FileName)
            { RecommendedAction = "Restore the applied file from version control; put further changes in a new migration." };
        var pending = status.Where(m => m.State is CrmMigrationState.Pending or CrmMigrationState.RolledBack)
            .Where(m => o.Target == null || string.CompareOrdinal(m.Version, o.Target) <= 0)
            .Select(m => set.Migrations.First(f => f.Version == m.Version)).ToList();
        var newestApplied = status.Where(m => IsApplied(m.State) || m.State == CrmMigrationState.Missing).Select(m => m.Version).DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
        var early = pending.Where(p => string.CompareOrdinal(p.Version, newestApplied) < 0).ToList();
        if (early.Count > 0 && !o.AllowOutOfOrder)
            throw new CrmException("MigrationOutOfOrder", CrmErrorKind.InvalidOperation,
                $"Refused: pending migration(s) {string.Join(", ", early.Select(e => e.FileName))} are older than the newest applied version {newestApplied}. Rename them to a newer version, or pass -AllowOutOfOrder if the order does not matter.", early[0].FileName);
        return pending;
    }

    /// <summary>Checks every require-rows guard with an exact count; returns one failure message per unmet guard.</summary>
    private static List<string> CheckRequirements(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationFile f, bool missingFails = true)
    {
        var failures = new List<string>();
        foreach (var r in f.Directives.Requirements)
        {
            var rows = ExactCount(conn, tx, r.QuotedName, out var resolved);
            if (rows == null && !missingFails) continue; // created by an earlier pending migration: checked again just before it runs
            if (rows == null)
                failures.Add($"{f.FileName} requires {r} (line {r.Line}), but table {r.DisplayName} does not exist.");
            else if (!r.IsSatisfiedBy(rows.Value))
                failures.Add($"{f.FileName} requires {r} (line {r.Line}), but {resolved} has {rows.Value.ToString("N0", CultureInfo.InvariantCulture)} row(s): refused, nothing was changed. Is this the table you meant?");
        }
        return failures;
    }

    /// <summary>Exact row count of a table (null when it does not exist or is not a row source).</summary>
    private static long? ExactCount(NpgsqlConnection conn, NpgsqlTransaction? tx, string quotedName, out string resolved)
    {
        resolved = quotedName;
        string schema, name;
        using (var cmd = new NpgsqlCommand(SqlText.Get("Migrations/relation.sql"), conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = quotedName });
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            schema = r.GetString(0); name = r.GetString(1);
            if (r.GetString(2) is not ("r" or "p" or "m" or "f")) return null;
        }
        resolved = schema + "." + name;
        using var count = new NpgsqlCommand(SqlText.Get("Migrations/count_rows.sql").Replace("{0}", Identifiers.Quote(schema) + "." + Identifiers.Quote(name), StringComparison.Ordinal), conn, tx);
        return Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>SET LOCAL search_path without schema crmops (see search_path.sql).</summary>
    private static void ExcludeOwnSchema(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/search_path.sql"), conn, tx);
        cmd.ExecuteNonQuery();
    }

    // ---------------------------------------------------------------- plan (-WhatIf)

    /// <summary>What Invoke would do: each pending migration, its statements, the existing tables it touches with exact row counts.</summary>
    public static IReadOnlyList<CrmMigrationResult> Plan(CrmConnection target, MigrationSet set, MigrationOptions o)
    {
        var status = GetStatus(target, set);
        var pending = Pending(target, set, o, status);
        return Db.ReadOnly(target, (conn, tx) => { ExcludeOwnSchema(conn, tx); return pending.Select(f => PlanOne(conn, tx, f, f.Statements, CrmMigrationDirection.Up)).ToList(); }, "Planning migrations");
    }

    private static CrmMigrationResult PlanOne(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationFile f, IReadOnlyList<SqlStatement> statements, CrmMigrationDirection direction)
    {
        var tables = new List<string>();
        var warnings = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in statements)
            foreach (var t in TouchedTables.Find(s))
            {
                var rows = ExactCount(conn, tx, t, out var resolved);
                if (rows == null || !seen.Add(resolved)) continue;
                tables.Add($"{resolved} ({rows.Value.ToString("N0", CultureInfo.InvariantCulture)} rows)");
                if (rows.Value < 10)
                    warnings.Add($"{f.FileName} touches {resolved}, which has only {rows.Value} row(s): likely test data. Is this the table you meant?");
            }
        var failures = direction == CrmMigrationDirection.Up ? CheckRequirements(conn, tx, f, missingFails: false) : [];
        if (direction == CrmMigrationDirection.Up)
            foreach (var r in f.Directives.Requirements)
                if (ExactCount(conn, tx, r.QuotedName, out _) == null)
                    warnings.Add($"{f.FileName} requires {r}, but {r.DisplayName} does not exist yet: the guard is checked just before the migration runs.");
        return new CrmMigrationResult
        {
            Version = f.Version,
            Name = f.Name,
            Direction = direction,
            Status = failures.Count == 0 ? "Planned" : "Refused",
            Statements = statements.Count,
            StatementText = statements.Select(s => s.Text).ToArray(),
            Tables = tables.ToArray(),
            Warnings = warnings.ToArray(),
            Message = failures.Count == 0 ? null : string.Join(" ", failures),
        };
    }

    // ---------------------------------------------------------------- apply

    /// <summary>Applies pending migrations in version order; each result is passed to <paramref name="emit"/> as soon as it is known.</summary>
    public static void Invoke(CrmConnection target, MigrationSet set, MigrationOptions o, Action<CrmMigrationResult> emit)
    {
        var status = GetStatus(target, set);
        var pending = Pending(target, set, o, status);
        // Every guard of every pending migration is checked before anything runs.
        var failures = Db.ReadOnly(target, (c, tx) => { ExcludeOwnSchema(c, tx); return pending.SelectMany(f => CheckRequirements(c, tx, f, missingFails: false)).ToList(); }, "Checking migration requirements");
        if (failures.Count > 0)
            throw new CrmException("MigrationRequirementFailed", CrmErrorKind.InvalidData, string.Join(" ", failures), pending[0].FileName);
        if (pending.Count == 0) { o.Verbose?.Invoke($"No pending migrations in '{set.Root}' for {target}."); return; }

        for (var i = 0; i < pending.Count; i++)
        {
            var f = pending[i];
            o.Cancel.ThrowIfCancellationRequested();
            o.Progress?.Invoke($"{f.FileName} ({i + 1} of {pending.Count})", i * 100 / pending.Count);
            if (o.ShouldProcess != null && !o.ShouldProcess($"{f.FileName} on {target}", "Apply migration"))
            {
                emit(Result(f, CrmMigrationDirection.Up, "Skipped", TimeSpan.Zero, "Not confirmed."));
                continue;
            }
            emit(f.Transactional ? RunTransactional(target, f, CrmMigrationDirection.Up, o) : RunWithoutTransaction(target, f, CrmMigrationDirection.Up, o));
        }
        o.Progress?.Invoke("Done", 100);
    }

    private static CrmMigrationResult Result(MigrationFile f, CrmMigrationDirection d, string status, TimeSpan duration, string? message, int statements = 0) => new()
    {
        Version = f.Version, Name = f.Name, Direction = d, Status = status, Duration = duration, Message = message, Statements = statements,
        StatementText = (d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements ?? []).Select(s => s.Text).ToArray(),
    };

    /// <summary>Opens a transaction with lock_timeout and the run's advisory lock (waiting up to LockWait).</summary>
    private static NpgsqlTransaction BeginLocked(NpgsqlConnection conn, CrmConnection target, MigrationOptions o, string what)
    {
        var tx = conn.BeginTransaction(System.Data.IsolationLevel.ReadCommitted);
        using (var set = new NpgsqlCommand(SqlText.Get("Migrations/set_lock_timeout.sql"), conn, tx))
        {
            set.Parameters.Add(new NpgsqlParameter { Value = ((long)o.LockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms" });
            set.ExecuteNonQuery();
        }
        ExcludeOwnSchema(conn, tx);
        var sw = Stopwatch.StartNew();
        var told = false;
        while (true)
        {
            using (var lk = new NpgsqlCommand(SqlText.Get("Migrations/try_lock.sql"), conn, tx))
                if (lk.ExecuteScalar() is true) return tx;
            if (!told) { o.Verbose?.Invoke($"Another migration run holds the lock on {target}; waiting up to {o.LockWait.TotalSeconds:0.#} s."); told = true; }
            if (sw.Elapsed >= o.LockWait)
            {
                tx.Rollback();
                throw new CrmException("MigrationRunInProgress", CrmErrorKind.ResourceBusy,
                    $"{what}: another migration run on {target} held the migration lock for {o.LockWait.TotalSeconds:0.#} s (-LockWait); nothing was changed. Try again when it has finished, or raise -LockWait.", target.ToString());
            }
            if (o.Cancel.WaitHandle.WaitOne(LockRetryMilliseconds)) { tx.Rollback(); o.Cancel.ThrowIfCancellationRequested(); }
        }
    }

    /// <summary>Runs one statement; Ctrl+C cancels it on the server.</summary>
    /// <remarks>
    /// Npgsql re-splits a parameterless command on semicolons with its own lexer, which does not know BEGIN ATOMIC
    /// bodies. A command with positional parameters is sent exactly as written ("raw mode"), so every statement carries
    /// one typed, unreferenced parameter: PostgreSQL accepts declared-but-unused parameters, also on utility statements.
    /// Nothing is prepared by name, so this is safe through a transaction-mode pooler.
    /// </remarks>
    internal static NpgsqlCommand RawCommand(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql)
    {
        var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = DBNull.Value });
        return cmd;
    }

    private static void Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken cancel)
    {
        using var cmd = RawCommand(conn, tx, sql);
        using var reg = cancel.Register(() => { try { cmd.Cancel(); } catch { /* already finished */ } });
        cmd.ExecuteNonQuery();
    }

    private static CrmMigrationResult RunTransactional(CrmConnection target, MigrationFile f, CrmMigrationDirection d, MigrationOptions o)
    {
        var statements = d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements!;
        var label = $"{(d == CrmMigrationDirection.Up ? "Applying" : "Rolling back")} {f.FileName}";
        using var conn = target.Open();
        NpgsqlTransaction? tx = null;
        SqlStatement? current = null;
        try
        {
            tx = BeginLocked(conn, target, o, label);
            MigrationHistory.Ensure(conn, tx);
            // Re-check the history inside the locked transaction: a concurrent run may have done this one already.
            var history = MigrationHistory.Read(conn, tx);
            history.TryGetValue(f.Version, out var h);
            var applied = h is { Direction: CrmMigrationDirection.Up };
            if (d == CrmMigrationDirection.Up && applied || d == CrmMigrationDirection.Down && !applied)
            {
                tx.Rollback();
                o.Verbose?.Invoke($"{f.FileName} was already {(applied ? "applied" : "rolled back")} by another run; skipped.");
                return Result(f, d, "Skipped", TimeSpan.Zero, $"Already {(applied ? "applied" : "rolled back")} by another run.");
            }
            if (d == CrmMigrationDirection.Up)
            {
                var failures = CheckRequirements(conn, tx, f);
                if (failures.Count > 0)
                    throw new CrmException("MigrationRequirementFailed", CrmErrorKind.InvalidData, string.Join(" ", failures), f.FileName);
            }
            var sw = Stopwatch.StartNew();
            foreach (var s in statements)
            {
                current = s;
                o.Verbose?.Invoke($"{f.FileName} line {s.Line}: {FirstLine(s.Text)}");
                Execute(conn, tx, s.Text, o.Cancel);
            }
            current = null;
            if (d == CrmMigrationDirection.Up) Verify(conn, tx, f, o);
            sw.Stop();
            MigrationHistory.Record(conn, tx, f.Version, f.Name, f.Checksum, d, sw.Elapsed, true, true, false, f.Statements, null);
            tx.Commit();
            o.Verbose?.Invoke($"{f.FileName}: {(d == CrmMigrationDirection.Up ? "applied" : "rolled back")} in {sw.Elapsed.TotalSeconds:0.###} s.");
            return new CrmMigrationResult
            {
                Version = f.Version, Name = f.Name, Direction = d, Status = d == CrmMigrationDirection.Up ? "Applied" : "RolledBack",
                Duration = sw.Elapsed, Statements = statements.Count, StatementText = statements.Select(x => x.Text).ToArray(),
            };
        }
        catch (Exception ex)
        {
            SafeRollback(tx);
            o.Cancel.ThrowIfCancellationRequested();
            throw Explain(ex, target, f, current, label, o);
        }
    }

    private static void SafeRollback(NpgsqlTransaction? tx)
    {
        try { if (tx?.Connection != null) tx.Rollback(); } catch { /* the server rolls back a broken connection's transaction */ }
    }

    /// <summary>Runs the verify queries: each must return one row whose value is true.</summary>
    private static void Verify(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationFile f, MigrationOptions o)
    {
        if (f.VerifyStatements == null) return;
        foreach (var s in f.VerifyStatements)
        {
            object? value;
            try
            {
                using var cmd = RawCommand(conn, tx, s.Text);
                using var reg = o.Cancel.Register(() => { try { cmd.Cancel(); } catch { } });
                value = cmd.ExecuteScalar();
            }
            catch (PostgresException pg)
            {
                throw new CrmException("MigrationVerifyFailed", CrmErrorKind.InvalidData,
                    $"{f.FileName}: verify query at {f.VerifyPath}:{s.Line} failed ({pg.MessageText}, SQLSTATE {pg.SqlState}); the migration was rolled back, nothing was changed.", f.FileName);
            }
            if (value is not true)
                throw new CrmException("MigrationVerifyFailed", CrmErrorKind.InvalidData,
                    $"{f.FileName}: verify query at {f.VerifyPath}:{s.Line} returned {(value is null or DBNull ? "no true value" : value.ToString())} ('{FirstLine(s.Text)}'); the migration was rolled back, nothing was changed.", f.FileName);
            o.Verbose?.Invoke($"{f.FileName}: verify line {s.Line} passed.");
        }
    }

    private static CrmMigrationResult RunWithoutTransaction(CrmConnection target, MigrationFile f, CrmMigrationDirection d, MigrationOptions o)
    {
        var statements = d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements!;
        var label = $"{(d == CrmMigrationDirection.Up ? "Applying" : "Rolling back")} {f.FileName} (no transaction)";
        using var conn = target.Open();
        // Check under the lock that no other run did it, then run statement by statement (autocommit).
        var tx = BeginLocked(conn, target, o, label);
        MigrationHistory.Ensure(conn, tx);
        var history = MigrationHistory.Read(conn, tx);
        tx.Commit();
        var applied = history.TryGetValue(f.Version, out var h) && h.Direction == CrmMigrationDirection.Up;
        if (d == CrmMigrationDirection.Up == applied)
            return Result(f, d, "Skipped", TimeSpan.Zero, $"Already {(applied ? "applied" : "rolled back")} by another run.");
        var sw = Stopwatch.StartNew();
        SqlStatement? current = null;
        try
        {
            // Session settings only on a direct connection: through a transaction-mode pooler they would leak to
            // other clients (there, no-transaction statements run with the server's lock_timeout and search_path).
            if (!target.Pooled)
            {
                Execute(conn, null, $"set lock_timeout = '{(long)o.LockTimeout.TotalMilliseconds}ms'", o.Cancel);
                using var sp = new NpgsqlCommand(SqlText.Get("Migrations/search_path_session.sql"), conn);
                sp.ExecuteNonQuery();
            }
            foreach (var s in statements)
            {
                current = s;
                o.Verbose?.Invoke($"{f.FileName} line {s.Line} (no transaction): {FirstLine(s.Text)}");
                Execute(conn, null, s.Text, o.Cancel);
            }
            current = null;
            if (d == CrmMigrationDirection.Up) Verify(conn, null, f, o);
            if (!target.Pooled) { Execute(conn, null, "reset lock_timeout", CancellationToken.None); Execute(conn, null, "reset search_path", CancellationToken.None); }
            tx = BeginLocked(conn, target, o, label);
            MigrationHistory.Record(conn, tx, f.Version, f.Name, f.Checksum, d, sw.Elapsed, true, false, false, f.Statements, null);
            tx.Commit();
            return new CrmMigrationResult
            {
                Version = f.Version, Name = f.Name, Direction = d, Status = d == CrmMigrationDirection.Up ? "Applied" : "RolledBack",
                Duration = sw.Elapsed, Statements = statements.Count, StatementText = statements.Select(x => x.Text).ToArray(),
                Warnings = ["Ran without a transaction (crmops:no-transaction)."],
            };
        }
        catch (Exception ex)
        {
            var error = o.Cancel.IsCancellationRequested ? null : Explain(ex, target, f, current, label, o);
            // Statements before the failure stay applied: say so in a history row (success = false), from a fresh connection.
            try
            {
                using var c2 = target.Open();
                using var t2 = c2.BeginTransaction();
                MigrationHistory.Ensure(c2, t2);
                MigrationHistory.Record(c2, t2, f.Version, f.Name, f.Checksum, d, sw.Elapsed, false, false, false, f.Statements,
                    error?.Message ?? "stopped");
                t2.Commit();
            }
            catch { /* best effort */ }
            if (error == null) throw new OperationCanceledException(o.Cancel);
            throw new CrmException(error.ErrorId, error.Kind, error.Message + " This migration runs without a transaction: the statements before the failing one stay applied.", error.Target);
        }
    }

    /// <summary>A failure as a one-line error that names the migration, the statement's line and, after a lock_timeout, the lock.</summary>
    private static CrmException Explain(Exception ex, CrmConnection target, MigrationFile f, SqlStatement? s, string label, MigrationOptions o)
    {
        if (ex is CrmException ce) return ce;
        var where = s == null ? f.FileName : $"{f.FileName} line {s.Line}";
        if (ex is PostgresException { SqlState: "55P03" } && s != null)
        {
            var holders = LockHolders(target, s);
            return new CrmException("MigrationLockTimeout", CrmErrorKind.ResourceBusy,
                $"{label}: {where} waited longer than the lock_timeout of {o.LockTimeout.TotalSeconds:0.###} s for a lock ({holders}); rolled back, nothing was changed. Run it when the workload is quieter, or raise -LockTimeout.", f.FileName);
        }
        if (ex is PostgresException pg)
        {
            var detail = pg.Detail is { Length: > 0 } dt ? " " + ConnectionFactory.FirstLine(dt) : "";
            var (id, kind) = pg.SqlState switch
            {
                _ when pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                    => ("MigrationConnectionLost", CrmErrorKind.ConnectionError),
                "57014" => ("MigrationStatementCancelled", CrmErrorKind.OperationStopped),
                "42501" => ("MigrationPermissionDenied", CrmErrorKind.PermissionDenied),
                _ => ("MigrationFailed", CrmErrorKind.InvalidOperation),
            };
            return new CrmException(id, kind,
                target.Redact($"{label}: {where} failed: {ConnectionFactory.FirstLine(pg.MessageText)} (SQLSTATE {pg.SqlState}).{detail} Rolled back: no schema change and no history row; the next run retries it."), f.FileName);
        }
        if (ex is NpgsqlException or IOException)
            return new CrmException("MigrationConnectionLost", CrmErrorKind.ConnectionError,
                target.Redact($"{label}: {where}: the connection was lost ({ConnectionFactory.FirstLine(ex.Message)}). The server rolled the transaction back: no schema change and no history row; the next run retries it."), f.FileName);
        return Db.Translate(ex, target, label);
    }

    private static string LockHolders(CrmConnection target, SqlStatement s)
    {
        try
        {
            var tables = TouchedTables.Find(s).ToArray();
            using var conn = target.Open();
            using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/lock_holders.sql"), conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = tables, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            using var r = cmd.ExecuteReader();
            var parts = new List<string>();
            while (r.Read())
                parts.Add($"{r.GetString(1)} on {r.GetString(0)} held by pid {r.GetInt32(2)} ({r.GetString(4)}, application '{r.GetString(3)}', {r.GetString(5)}: {r.GetString(6)})");
            if (parts.Count > 0) return string.Join("; ", parts);
            return tables.Length > 0 ? $"on {string.Join(", ", tables)}; its holder has finished since" : "its holder has finished since";
        }
        catch (Exception e)
        {
            return $"the holder could not be looked up: {ConnectionFactory.FirstLine(e.Message)}";
        }
    }

    private static string FirstLine(string text)
    {
        var line = ConnectionFactory.FirstLine(text);
        return line.Length > 100 ? line[..100] + "..." : line;
    }

    // ---------------------------------------------------------------- undo

    /// <summary>The applied migrations an undo would roll back, newest first, after every refusal (missing rollback, missing file).</summary>
    private static List<MigrationFile> ToUndo(MigrationSet set, MigrationOptions o, IReadOnlyList<CrmMigration> status)
    {
        set.ThrowIfInvalid();
        var applied = status.Where(m => IsApplied(m.State) || m.State == CrmMigrationState.Missing)
            .OrderByDescending(m => m.Version, StringComparer.Ordinal).ToList();
        if (o.Target != null)
        {
            if (status.All(m => m.Version != o.Target))
                throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"No migration with version {o.Target} (in the files or the history).", o.Target);
            applied = applied.Where(m => string.CompareOrdinal(m.Version, o.Target) > 0).ToList();
        }
        else applied = applied.Take(Math.Max(0, o.Count)).ToList();
        var missing = applied.Where(m => m.State == CrmMigrationState.Missing).ToList();
        if (missing.Count > 0)
            throw new CrmException("MigrationRollbackMissing", CrmErrorKind.ObjectNotFound,
                $"Refused: {string.Join(", ", missing.Select(m => m.FileName))} is applied but its file is not in '{set.Root}', so there is no rollback to run; nothing was changed.", missing[0].FileName);
        var files = applied.Select(m => set.Migrations.First(f => f.Version == m.Version)).ToList();
        var noRollback = files.Where(f => f.RollbackStatements == null).ToList();
        if (noRollback.Count > 0)
            throw new CrmException("MigrationRollbackMissing", CrmErrorKind.ObjectNotFound,
                $"Refused: no rollback script for {string.Join(", ", noRollback.Select(f => f.FileName))} (expected {string.Join(", ", noRollback.Select(f => Path.Combine(set.Root, "rollbacks", f.FileName)))}); nothing was changed.", noRollback[0].FileName);
        return files;
    }

    public static IReadOnlyList<CrmMigrationResult> PlanUndo(CrmConnection target, MigrationSet set, MigrationOptions o)
    {
        var files = ToUndo(set, o, GetStatus(target, set));
        return Db.ReadOnly(target, (conn, tx) => { ExcludeOwnSchema(conn, tx); return files.Select(f => PlanOne(conn, tx, f, f.RollbackStatements!, CrmMigrationDirection.Down)).ToList(); }, "Planning rollbacks");
    }

    public static void Undo(CrmConnection target, MigrationSet set, MigrationOptions o, Action<CrmMigrationResult> emit)
    {
        var files = ToUndo(set, o, GetStatus(target, set));
        if (files.Count == 0) { o.Verbose?.Invoke("Nothing to roll back."); return; }
        for (var i = 0; i < files.Count; i++)
        {
            var f = files[i];
            o.Cancel.ThrowIfCancellationRequested();
            o.Progress?.Invoke($"Rolling back {f.FileName} ({i + 1} of {files.Count})", i * 100 / files.Count);
            if (o.ShouldProcess != null && !o.ShouldProcess($"{f.FileName} on {target}", "Roll back migration"))
            {
                emit(Result(f, CrmMigrationDirection.Down, "Skipped", TimeSpan.Zero, "Not confirmed."));
                continue;
            }
            var noTx = f.RollbackDirectives?.NoTransaction == true;
            emit(noTx ? RunWithoutTransaction(target, f, CrmMigrationDirection.Down, o) : RunTransactional(target, f, CrmMigrationDirection.Down, o));
        }
        o.Progress?.Invoke("Done", 100);
    }

    // ---------------------------------------------------------------- mark

    /// <summary>Records a migration as applied or rolled back without running it (both history tables, under the lock).</summary>
    public static CrmMigration SetState(CrmConnection target, MigrationSet set, string version, CrmMigrationState state, MigrationOptions o)
    {
        if (state is not (CrmMigrationState.Applied or CrmMigrationState.RolledBack))
            throw new CrmException("MigrationStateInvalid", CrmErrorKind.InvalidArgument, $"-State takes Applied or RolledBack, not {state}.", state);
        var f = set.Migrations.FirstOrDefault(m => m.Version == version)
            ?? throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"No migration with version {version} in '{set.Root}'.", version);
        var d = state == CrmMigrationState.Applied ? CrmMigrationDirection.Up : CrmMigrationDirection.Down;
        using var conn = target.Open();
        NpgsqlTransaction? tx = null;
        try
        {
            tx = BeginLocked(conn, target, o, $"Marking {f.FileName} {state}");
            MigrationHistory.Ensure(conn, tx);
            MigrationHistory.Record(conn, tx, f.Version, f.Name, f.Checksum, d, TimeSpan.Zero, true, f.Transactional, true, f.Statements, "marked by Set-CrmMigrationState");
            var history = MigrationHistory.Read(conn, tx);
            tx.Commit();
            return Join(set, history).First(m => m.Version == version);
        }
        catch (Exception ex)
        {
            SafeRollback(tx);
            throw Db.Translate(ex, target, $"Marking {f.FileName} {state}");
        }
    }

    // ---------------------------------------------------------------- validate and rehearse

    /// <summary>Validates the set: names, duplicates, readable and splittable files, checksums against the history, rollbacks, requirements.</summary>
    public static IReadOnlyList<CrmCheckResult> Validate(CrmConnection target, MigrationSet set)
    {
        var results = new List<CrmCheckResult>();
        foreach (var p in set.Problems)
            results.Add(new CrmCheckResult { Check = p.ErrorId, Target = p.Path, Passed = false, Message = p.Message });
        if (set.Problems.Count == 0)
            results.Add(Pass("MigrationFiles", set.Root, $"{set.Migrations.Count} migration(s): names, versions and scripts are valid."));

        var history = Db.ReadOnly(target, (c, tx) => MigrationHistory.Read(c, tx), "Reading the migration history");
        var status = Join(set, history);
        foreach (var m in status.Where(m => m.State == CrmMigrationState.Modified))
            results.Add(new CrmCheckResult { Check = "MigrationModified", Target = m.Path ?? m.FileName, Expected = history[m.Version].Checksum, Actual = m.Checksum, Passed = false,
                Message = $"{m.FileName} was changed after it was applied (checksum differs from the history)." });
        foreach (var m in status.Where(m => m.State == CrmMigrationState.Missing))
            results.Add(new CrmCheckResult { Check = "MigrationMissing", Target = m.FileName, Passed = false,
                Message = $"{m.FileName} is applied in the database but has no file in '{set.Root}'." });
        if (!status.Any(m => m.State is CrmMigrationState.Modified or CrmMigrationState.Missing))
            results.Add(Pass("MigrationChecksums", set.Root, "Every applied migration matches its file."));

        var noRollback = set.Migrations.Where(f => f.RollbackStatements == null).ToList();
        foreach (var f in noRollback)
            results.Add(new CrmCheckResult { Check = "MigrationRollbackMissing", Target = f.Path, Expected = Path.Combine(set.Root, "rollbacks", f.FileName), Passed = false,
                Message = $"{f.FileName} has no rollback script." });
        if (noRollback.Count == 0) results.Add(Pass("MigrationRollbacks", set.Root, "Every migration has a rollback script."));

        var newestApplied = status.Where(m => IsApplied(m.State) || m.State == CrmMigrationState.Missing).Select(m => m.Version).DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
        var pending = status.Where(m => m.State is CrmMigrationState.Pending or CrmMigrationState.RolledBack).ToList();
        foreach (var m in pending.Where(m => string.CompareOrdinal(m.Version, newestApplied) < 0))
            results.Add(new CrmCheckResult { Check = "MigrationOutOfOrder", Target = m.FileName, Expected = $"> {newestApplied}", Actual = m.Version, Passed = false,
                Message = $"{m.FileName} is pending but older than the newest applied version {newestApplied} (Invoke-CrmMigration refuses it without -AllowOutOfOrder)." });

        var reqResults = Db.ReadOnly(target, (c, tx) =>
        {
            ExcludeOwnSchema(c, tx);
            var list = new List<CrmCheckResult>();
            foreach (var m in pending)
            {
                var f = set.Migrations.First(x => x.Version == m.Version);
                foreach (var r in f.Directives.Requirements)
                {
                    var rows = ExactCount(c, tx, r.QuotedName, out var resolved);
                    var ok = rows != null && r.IsSatisfiedBy(rows.Value);
                    list.Add(new CrmCheckResult
                    {
                        Check = "MigrationRequirement", Target = $"{f.FileName}: {(rows == null ? r.DisplayName : resolved)}", Expected = $"{r.Operator} {r.Count}",
                        Actual = rows?.ToString(CultureInfo.InvariantCulture) ?? "(no such table)", Passed = ok,
                        Message = ok ? $"{f.FileName} requires {r}: met ({rows} rows)." :
                            rows == null ? $"{f.FileName} requires {r}, but the table does not exist." : $"{f.FileName} requires {r}, but {resolved} has {rows} row(s).",
                    });
                }
            }
            return list;
        }, "Checking migration requirements");
        results.AddRange(reqResults);
        return results;
    }

    private static CrmCheckResult Pass(string check, string target, string message) => new() { Check = check, Target = target, Passed = true, Message = message };

    /// <summary>
    /// Rehearses each pending migration inside one transaction that is always rolled back: fingerprint, up, verify,
    /// down, fingerprint again; every difference is one failing result, a clean round trip one passing result.
    /// </summary>
    public static IReadOnlyList<CrmCheckResult> RoundTrip(CrmConnection target, MigrationSet set, MigrationOptions o)
    {
        var status = GetStatus(target, set);
        var pending = Pending(target, set, o, status);
        var results = new List<CrmCheckResult>();
        if (pending.Count == 0)
        {
            results.Add(Pass("RoundTrip", set.Root, "No pending migrations to rehearse."));
            return results;
        }
        using var conn = target.Open();
        var tx = conn.BeginTransaction();
        try
        {
            using (var set2 = new NpgsqlCommand(SqlText.Get("Migrations/set_lock_timeout.sql"), conn, tx))
            {
                set2.Parameters.Add(new NpgsqlParameter { Value = ((long)o.LockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms" });
                set2.ExecuteNonQuery();
            }
            ExcludeOwnSchema(conn, tx);
            for (var i = 0; i < pending.Count; i++)
            {
                var f = pending[i];
                o.Cancel.ThrowIfCancellationRequested();
                o.Progress?.Invoke($"Rehearsing {f.FileName} ({i + 1} of {pending.Count})", i * 100 / pending.Count);
                if (!f.Transactional)
                {
                    results.Add(new CrmCheckResult { Check = "RoundTrip", Target = f.FileName, Passed = false,
                        Message = $"{f.FileName} runs without a transaction (crmops:no-transaction) and cannot be rehearsed inside one; rehearsal stopped here." });
                    break;
                }
                if (f.RollbackStatements == null)
                {
                    results.Add(new CrmCheckResult { Check = "RoundTrip", Target = f.FileName, Passed = false,
                        Message = $"{f.FileName} has no rollback script; rehearsal stopped here." });
                    break;
                }
                var before = SchemaFingerprint.Take(conn, tx);
                Execute(conn, tx, "savepoint crmops_round_trip", o.Cancel);
                var stage = "up";
                SqlStatement? current = null;
                try
                {
                    foreach (var s in f.Statements) { current = s; Execute(conn, tx, s.Text, o.Cancel); }
                    stage = "verify";
                    Verify(conn, tx, f, o);
                    stage = "down";
                    foreach (var s in f.RollbackStatements) { current = s; Execute(conn, tx, s.Text, o.Cancel); }
                }
                catch (Exception ex) when (ex is PostgresException or CrmException)
                {
                    o.Cancel.ThrowIfCancellationRequested();
                    var msg = ex is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : ex.Message;
                    var line = current != null && stage != "verify" ? $" line {current.Line}" : "";
                    results.Add(new CrmCheckResult { Check = "RoundTrip", Target = f.FileName, Passed = false,
                        Message = $"{f.FileName}: the {stage} script failed{line}: {msg}. Rehearsal stopped here; nothing persists." });
                    break;
                }
                var after = SchemaFingerprint.Take(conn, tx);
                var diffs = before.Compare(after);
                foreach (var d in diffs)
                    results.Add(new CrmCheckResult
                    {
                        Check = "RoundTrip", Target = $"{f.FileName}: {d.Kind} {d.Name}", Expected = d.Before ?? "(absent)", Actual = d.After ?? "(absent)", Passed = false,
                        Message = d.Change switch
                        {
                            "Added" => $"After up and down, {d.Kind} {d.Name} is left behind: the rollback does not remove it.",
                            "Removed" => $"After up and down, {d.Kind} {d.Name} is gone: the rollback removes something the migration did not add (or does not restore it).",
                            _ => $"After up and down, {d.Kind} {d.Name} differs from before.",
                        },
                    });
                if (diffs.Count == 0)
                    results.Add(Pass("RoundTrip", f.FileName, $"{f.FileName}: up, verify and down leave the schema exactly as before."));
                // Back to the schema before this migration (whatever its rollback left), then up again so that the
                // next migration sees the schema it was written against.
                Execute(conn, tx, "rollback to savepoint crmops_round_trip", o.Cancel);
                if (i == pending.Count - 1) break;
                try { foreach (var s in f.Statements) { current = s; Execute(conn, tx, s.Text, o.Cancel); } }
                catch (PostgresException pg)
                {
                    results.Add(new CrmCheckResult { Check = "RoundTrip", Target = f.FileName, Passed = false,
                        Message = $"{f.FileName}: re-applying the up script after its rollback failed at line {current?.Line}: {pg.MessageText}. Rehearsal stopped here; nothing persists." });
                    break;
                }
            }
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception ex) when (ex is not CrmException)
        {
            throw Db.Translate(ex, target, "Rehearsing migrations");
        }
        finally
        {
            SafeRollback(tx);
            o.Progress?.Invoke("Done", 100);
        }
        return results;
    }
}
