using System.Diagnostics;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Lint;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>
/// Applies and rolls back migrations. Each migration runs in one transaction together with its history rows, under a
/// transaction-level advisory lock (so it works through a transaction-mode pooler), with lock_timeout, and re-checks
/// the history after taking the lock. A what-if run returns the plan instead and changes nothing.
/// </summary>
public static class MigrationRunner
{
    /// <summary>Applies pending migrations in version order; each result is returned as soon as it is known.</summary>
    public static IEnumerable<CrmMigrationResult> Apply(CrmConnection connection, MigrationSet set, MigrationOptions o, ICrmHost host) =>
        host.IsWhatIf
            ? WhatIf(connection, MigrationPlanner.PlanApply(connection, set, o), "Apply migration", host)
            : ApplyPending(connection, set, o, host);

    /// <summary>Rolls back applied migrations newest first (-Count, or everything newer than -Target).</summary>
    public static IEnumerable<CrmMigrationResult> Undo(CrmConnection connection, MigrationSet set, MigrationOptions o, ICrmHost host) =>
        host.IsWhatIf
            ? WhatIf(connection, MigrationPlanner.PlanUndo(connection, set, o), "Roll back migration", host)
            : UndoApplied(connection, set, o, host);

    private static IEnumerable<CrmMigrationResult> WhatIf(CrmConnection connection, IReadOnlyList<CrmMigrationResult> plan, string action, ICrmHost host)
    {
        if (plan.Count == 0) host.WriteVerbose($"Nothing to do on {connection}.");
        foreach (var r in plan)
        {
            var touches = r.Tables.Length > 0 ? ", touches " + string.Join(", ", r.Tables) : "";
            host.ShouldProcess($"{r.Version}_{r.Name} on {connection}: {r.Statements} statement(s){touches}", action);
            foreach (var w in r.Warnings) host.WriteWarning(w);
            // Warnings, and Errors that -Force lets through (a refused plan names its Error in the refusal; allowed ones are in r.Warnings).
            foreach (var x in r.Findings.Where(x => !x.Allowed && (x.Severity == CrmLintSeverity.Warning || (x.Severity == CrmLintSeverity.Error && r.Status != CrmMigrationStatus.Refused))))
                host.WriteWarning($"{r.Version}_{r.Name}.sql line {x.Line}: {x.Rule} ({x.Severity}): {x.Message}");
            if (r.Status == CrmMigrationStatus.Refused)
                host.WriteError(new CrmException(
                    r.Message?.StartsWith("Refused:", StringComparison.Ordinal) == true ? "MigrationLintRefused" : "MigrationRequirementFailed",
                    CrmErrorKind.InvalidData, r.Message ?? "", r.Version));
            yield return r;
        }
    }

    private static IEnumerable<CrmMigrationResult> ApplyPending(CrmConnection connection, MigrationSet set, MigrationOptions o, ICrmHost host)
    {
        var pending = MigrationPlanner.Pending(set, o, MigrationStatus.Get(connection, set));
        // Every guard of every pending migration, and the lint of all of them, before anything runs.
        var (failures, findings) = Db.ReadOnly(connection, (c, tx) =>
        {
            MigrationCommands.ExcludeOwnSchema(c, tx);
            return (pending.SelectMany(f => MigrationGuards.Check(c, tx, f, missingFails: false)).ToList(),
                    MigrationLinter.Run(c, tx, pending, o.Lint));
        }, "Checking migration requirements");
        if (failures.Count > 0)
            throw new CrmException("MigrationRequirementFailed", CrmErrorKind.InvalidData, string.Join(" ", failures), pending[0].FileName);
        if (!o.IgnoreLintErrors && MigrationLinter.Refusal(findings) is { } refusal)
        {
            var first = findings.First(x => x.Severity == CrmLintSeverity.Error && !x.Allowed);
            throw new CrmException("MigrationLintRefused", CrmErrorKind.InvalidOperation, refusal, first.File)
            { RecommendedAction = $"Make the statement safe (Test-CrmMigration -Lint shows the recipe), or add '-- crmops:allow {first.Rule} <reason>' to {first.File}'s header, or run with -Force." };
        }
        foreach (var x in findings)
        {
            var text = $"{x.File} line {x.Line}: {x.Rule} ({x.Severity}{(x.Allowed ? ", allowed: " + x.AllowReason : "")}): {x.Message}";
            if (x.Severity == CrmLintSeverity.Info || x.Allowed) host.WriteVerbose(text);
            else host.WriteWarning(x.Severity == CrmLintSeverity.Error ? text + " (-Force: applied anyway)" : text);
        }
        if (pending.Count == 0)
        {
            host.WriteVerbose($"No pending migrations in '{set.Root}' for {connection}.");
            yield break;
        }
        var activity = $"Applying migrations to {connection}";
        for (var i = 0; i < pending.Count; i++)
        {
            var f = pending[i];
            host.Cancellation.ThrowIfCancellationRequested();
            host.WriteProgress(activity, $"{f.FileName} ({i + 1} of {pending.Count})", i * 100 / pending.Count);
            if (!host.ShouldProcess($"{f.FileName} on {connection}", "Apply migration"))
            {
                yield return Result(f, CrmMigrationDirection.Up, CrmMigrationStatus.Skipped, TimeSpan.Zero, "Not confirmed.");
                continue;
            }
            yield return f.Transactional
                ? RunTransactional(connection, f, CrmMigrationDirection.Up, o, host)
                : RunWithoutTransaction(connection, f, CrmMigrationDirection.Up, o, host);
        }
        host.WriteProgress(activity, "Done", 100);
    }

    private static IEnumerable<CrmMigrationResult> UndoApplied(CrmConnection connection, MigrationSet set, MigrationOptions o, ICrmHost host)
    {
        var files = MigrationPlanner.ToUndo(set, o, MigrationStatus.Get(connection, set));
        if (files.Count == 0)
        {
            host.WriteVerbose("Nothing to roll back.");
            yield break;
        }
        var activity = $"Rolling back migrations on {connection}";
        for (var i = 0; i < files.Count; i++)
        {
            var f = files[i];
            host.Cancellation.ThrowIfCancellationRequested();
            host.WriteProgress(activity, $"Rolling back {f.FileName} ({i + 1} of {files.Count})", i * 100 / files.Count);
            if (!host.ShouldProcess($"{f.FileName} on {connection}", "Roll back migration"))
            {
                yield return Result(f, CrmMigrationDirection.Down, CrmMigrationStatus.Skipped, TimeSpan.Zero, "Not confirmed.");
                continue;
            }
            yield return f.RollbackDirectives?.NoTransaction == true
                ? RunWithoutTransaction(connection, f, CrmMigrationDirection.Down, o, host)
                : RunTransactional(connection, f, CrmMigrationDirection.Down, o, host);
        }
        host.WriteProgress(activity, "Done", 100);
    }

    /// <summary>Records a migration as applied or rolled back without running it (both history tables, under the lock).</summary>
    public static CrmMigration SetState(CrmConnection connection, MigrationSet set, string version, CrmMigrationState state, MigrationOptions o, ICrmHost host)
    {
        if (state is not (CrmMigrationState.Applied or CrmMigrationState.RolledBack))
            throw new CrmException("MigrationStateInvalid", CrmErrorKind.InvalidArgument, $"-State takes Applied or RolledBack, not {state}.", state);
        var f = set.Migrations.FirstOrDefault(m => m.Version == version)
            ?? throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"No migration with version {version} in '{set.Root}'.", version);
        var d = state == CrmMigrationState.Applied ? CrmMigrationDirection.Up : CrmMigrationDirection.Down;
        using var conn = connection.Open();
        NpgsqlTransaction? tx = null;
        try
        {
            tx = MigrationCommands.BeginLocked(conn, connection, o, host, $"Marking {f.FileName} {state}");
            MigrationHistory.Ensure(conn, tx);
            MigrationHistory.Record(conn, tx, f.Version, f.Name, f.Checksum, d, TimeSpan.Zero, true, f.Transactional, true, f.Statements, "marked by Set-CrmMigrationState");
            var history = MigrationHistory.Read(conn, tx);
            tx.Commit();
            return MigrationStatus.Join(set, history).First(m => m.Version == version);
        }
        catch (Exception ex)
        {
            MigrationCommands.SafeRollback(tx);
            throw Db.Translate(ex, connection, $"Marking {f.FileName} {state}");
        }
    }

    private static CrmMigrationResult Result(MigrationFile f, CrmMigrationDirection d, CrmMigrationStatus status, TimeSpan duration, string? message) => new()
    {
        Version = f.Version, Name = f.Name, Direction = d, Status = status, Duration = duration, Message = message,
        StatementText = (d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements ?? []).Select(s => s.Text).ToArray(),
    };

    private static CrmMigrationResult Done(MigrationFile f, CrmMigrationDirection d, IReadOnlyList<SqlStatement> statements, TimeSpan duration, string[]? warnings = null) => new()
    {
        Version = f.Version, Name = f.Name, Direction = d,
        Status = d == CrmMigrationDirection.Up ? CrmMigrationStatus.Applied : CrmMigrationStatus.RolledBack,
        Duration = duration, Statements = statements.Count, StatementText = statements.Select(x => x.Text).ToArray(),
        Warnings = warnings ?? [],
    };

    private static CrmMigrationResult RunTransactional(CrmConnection connection, MigrationFile f, CrmMigrationDirection d, MigrationOptions o, ICrmHost host)
    {
        var statements = d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements!;
        var label = $"{(d == CrmMigrationDirection.Up ? "Applying" : "Rolling back")} {f.FileName}";
        using var conn = connection.Open();
        NpgsqlTransaction? tx = null;
        SqlStatement? current = null;
        try
        {
            tx = MigrationCommands.BeginLocked(conn, connection, o, host, label);
            MigrationHistory.Ensure(conn, tx);
            // Re-check the history inside the locked transaction: a concurrent run may have done this one already.
            var history = MigrationHistory.Read(conn, tx);
            history.TryGetValue(f.Version, out var h);
            var applied = h is { Direction: CrmMigrationDirection.Up };
            if (d == CrmMigrationDirection.Up == applied)
            {
                tx.Rollback();
                host.WriteVerbose($"{f.FileName} was already {(applied ? "applied" : "rolled back")} by another run; skipped.");
                return Result(f, d, CrmMigrationStatus.Skipped, TimeSpan.Zero, $"Already {(applied ? "applied" : "rolled back")} by another run.");
            }
            if (d == CrmMigrationDirection.Up)
            {
                var failures = MigrationGuards.Check(conn, tx, f);
                if (failures.Count > 0)
                    throw new CrmException("MigrationRequirementFailed", CrmErrorKind.InvalidData, string.Join(" ", failures), f.FileName);
            }
            var sw = Stopwatch.StartNew();
            foreach (var s in statements)
            {
                current = s;
                host.WriteVerbose($"{f.FileName} line {s.Line}: {MigrationCommands.FirstLine(s.Text)}");
                MigrationCommands.Execute(conn, tx, s.Text, host.Cancellation);
            }
            current = null;
            if (d == CrmMigrationDirection.Up) Verify(conn, tx, f, host);
            sw.Stop();
            MigrationHistory.Record(conn, tx, f.Version, f.Name, f.Checksum, d, sw.Elapsed, true, true, false, f.Statements, null);
            tx.Commit();
            host.WriteVerbose($"{f.FileName}: {(d == CrmMigrationDirection.Up ? "applied" : "rolled back")} in {sw.Elapsed.TotalSeconds:0.###} s.");
            return Done(f, d, statements, sw.Elapsed);
        }
        catch (Exception ex)
        {
            MigrationCommands.SafeRollback(tx);
            host.Cancellation.ThrowIfCancellationRequested();
            throw Explain(ex, connection, f, current, label, o);
        }
    }

    /// <summary>Runs the verify queries: each must return one row whose value is true.</summary>
    internal static void Verify(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationFile f, ICrmHost host)
    {
        if (f.VerifyStatements == null) return;
        foreach (var s in f.VerifyStatements)
        {
            object? value;
            try
            {
                using var cmd = MigrationCommands.Raw(conn, tx, s.Text);
                using var reg = host.Cancellation.Register(() => { try { cmd.Cancel(); } catch (InvalidOperationException) { /* finished */ } });
                value = cmd.ExecuteScalar();
            }
            catch (PostgresException pg)
            {
                throw new CrmException("MigrationVerifyFailed", CrmErrorKind.InvalidData,
                    $"{f.FileName}: verify query at {f.VerifyPath}:{s.Line} failed ({pg.MessageText}, SQLSTATE {pg.SqlState}); the migration was rolled back, nothing was changed.", f.FileName);
            }
            if (value is not true)
                throw new CrmException("MigrationVerifyFailed", CrmErrorKind.InvalidData,
                    $"{f.FileName}: verify query at {f.VerifyPath}:{s.Line} returned {(value is null or DBNull ? "no true value" : value.ToString())} ('{MigrationCommands.FirstLine(s.Text)}'); the migration was rolled back, nothing was changed.", f.FileName);
            host.WriteVerbose($"{f.FileName}: verify line {s.Line} passed.");
        }
    }

    private static CrmMigrationResult RunWithoutTransaction(CrmConnection connection, MigrationFile f, CrmMigrationDirection d, MigrationOptions o, ICrmHost host)
    {
        var statements = d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements!;
        var label = $"{(d == CrmMigrationDirection.Up ? "Applying" : "Rolling back")} {f.FileName} (no transaction)";
        using var conn = connection.Open();
        // Check under the lock that no other run did it, then run statement by statement (autocommit).
        var tx = MigrationCommands.BeginLocked(conn, connection, o, host, label);
        MigrationHistory.Ensure(conn, tx);
        var history = MigrationHistory.Read(conn, tx);
        tx.Commit();
        var applied = history.TryGetValue(f.Version, out var h) && h.Direction == CrmMigrationDirection.Up;
        if (d == CrmMigrationDirection.Up == applied)
            return Result(f, d, CrmMigrationStatus.Skipped, TimeSpan.Zero, $"Already {(applied ? "applied" : "rolled back")} by another run.");
        var sw = Stopwatch.StartNew();
        SqlStatement? current = null;
        try
        {
            // Session settings only on a direct connection: through a transaction-mode pooler they would leak to
            // other clients (there, no-transaction statements run with the server's lock_timeout and search_path).
            if (!connection.Pooled)
            {
                MigrationCommands.Run(conn, null, "set_lock_timeout_session.sql", MigrationCommands.Milliseconds(o.LockTimeout));
                MigrationCommands.Run(conn, null, "search_path_session.sql");
            }
            foreach (var s in statements)
            {
                current = s;
                host.WriteVerbose($"{f.FileName} line {s.Line} (no transaction): {MigrationCommands.FirstLine(s.Text)}");
                MigrationCommands.Execute(conn, null, s.Text, host.Cancellation);
            }
            current = null;
            if (d == CrmMigrationDirection.Up) Verify(conn, null, f, host);
            if (!connection.Pooled) MigrationCommands.Run(conn, null, "reset_session.sql");
            tx = MigrationCommands.BeginLocked(conn, connection, o, host, label);
            MigrationHistory.Record(conn, tx, f.Version, f.Name, f.Checksum, d, sw.Elapsed, true, false, false, f.Statements, null);
            tx.Commit();
            return Done(f, d, statements, sw.Elapsed, ["Ran without a transaction (crmops:no-transaction)."]);
        }
        catch (Exception ex)
        {
            var error = host.Cancellation.IsCancellationRequested ? null : Explain(ex, connection, f, current, label, o);
            // Statements before the failure stay applied: say so in a history row (success = false), from a fresh connection.
            try
            {
                using var c2 = connection.Open();
                using var t2 = c2.BeginTransaction();
                MigrationHistory.Ensure(c2, t2);
                MigrationHistory.Record(c2, t2, f.Version, f.Name, f.Checksum, d, sw.Elapsed, false, false, false, f.Statements,
                    error?.Message ?? "stopped");
                t2.Commit();
            }
            catch (Exception logEx) when (logEx is NpgsqlException or CrmException or InvalidOperationException or IOException)
            {
                host.WriteWarning($"{f.FileName}: the failure could not be recorded in the migration history ({ConnectionFactory.FirstLine(logEx.Message)}).");
            }
            host.Cancellation.ThrowIfCancellationRequested();
            throw new CrmException(error!.ErrorId, error.Kind, error.Message + " This migration runs without a transaction: the statements before the failing one stay applied.", error.TargetObject);
        }
    }

    /// <summary>A failure as a one-line error that names the migration, the statement's line and, after a lock_timeout, the lock.</summary>
    private static CrmException Explain(Exception ex, CrmConnection connection, MigrationFile f, SqlStatement? s, string label, MigrationOptions o)
    {
        if (ex is CrmException ce) return ce;
        var where = s == null ? f.FileName : $"{f.FileName} line {s.Line}";
        if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } && s != null)
        {
            var holders = LockHolders(connection, s);
            return new CrmException("MigrationLockTimeout", CrmErrorKind.ResourceBusy,
                $"{label}: {where} waited longer than the lock_timeout of {o.LockTimeout.TotalSeconds:0.###} s for a lock ({holders}); rolled back, nothing was changed. Run it when the workload is quieter, or raise -LockTimeout.", f.FileName);
        }
        if (ex is PostgresException pg)
        {
            var detail = pg.Detail is { Length: > 0 } dt ? " " + ConnectionFactory.FirstLine(dt) : "";
            var (id, kind) = pg.SqlState switch
            {
                _ when Db.IsConnectionLoss(pg.SqlState) => ("MigrationConnectionLost", CrmErrorKind.ConnectionError),
                PostgresErrorCodes.QueryCanceled => ("MigrationStatementCancelled", CrmErrorKind.OperationStopped),
                PostgresErrorCodes.InsufficientPrivilege => ("MigrationPermissionDenied", CrmErrorKind.PermissionDenied),
                _ => ("MigrationFailed", CrmErrorKind.InvalidOperation),
            };
            return new CrmException(id, kind,
                connection.Redact($"{label}: {where} failed: {ConnectionFactory.FirstLine(pg.MessageText)} (SQLSTATE {pg.SqlState}).{detail} Rolled back: no schema change and no history row; the next run retries it."), f.FileName);
        }
        if (ex is NpgsqlException or IOException)
            return new CrmException("MigrationConnectionLost", CrmErrorKind.ConnectionError,
                connection.Redact($"{label}: {where}: the connection was lost ({ConnectionFactory.FirstLine(ex.Message)}). The server rolled the transaction back: no schema change and no history row; the next run retries it."), f.FileName);
        return Db.Translate(ex, connection, label);
    }

    private static string LockHolders(CrmConnection connection, SqlStatement s)
    {
        try
        {
            var tables = TouchedTables.Find(s).ToArray();
            using var conn = connection.Open();
            using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/lock_holders.sql"), conn);
            cmd.Parameters.Add(new NpgsqlParameter { Value = tables, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            using var r = cmd.ExecuteReader();
            var parts = new List<string>();
            while (r.Read())
                parts.Add($"{r.GetString(1)} on {r.GetString(0)} held by pid {r.GetInt32(2)} ({r.GetString(4)}, application '{r.GetString(3)}', {r.GetString(5)}: {r.GetString(6)})");
            if (parts.Count > 0) return string.Join("; ", parts);
            return tables.Length > 0 ? $"on {string.Join(", ", tables)}; its holder has finished since" : "its holder has finished since";
        }
        catch (Exception e) when (e is NpgsqlException or CrmException or InvalidOperationException)
        {
            return $"the holder could not be looked up: {ConnectionFactory.FirstLine(e.Message)}";
        }
    }
}
