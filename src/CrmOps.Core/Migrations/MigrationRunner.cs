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
/// transaction-level advisory lock (so it works through a transaction-mode pooler), with lock_timeout re-applied after
/// every statement, and re-checks the history and its guards after taking the lock. A migration without a transaction
/// holds a session-level lock on a connection of its own for its whole run, writes a start row before its first
/// statement (so a crash leaves it Incomplete, never Pending), and is refused through a transaction-mode pooler. A
/// what-if run returns the plan instead and changes nothing.
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
        var status = MigrationStatus.Get(connection, set);
        // An Incomplete migration is refused before anything runs, unless another run holds the lock right now (it may
        // be executing that very migration): then the runner decides under the lock, where the history is certain.
        var incompleteMayBeRunning = status.Any(m => m.State == CrmMigrationState.Incomplete)
            && !Db.ReadOnly(connection, MigrationCommands.RunLockFree, "Checking the migration lock");
        var pending = MigrationPlanner.Pending(set, o, status, incompleteMayBeRunning);
        MigrationPlanner.RefuseOverPooler(connection, pending, CrmMigrationDirection.Up);
        // Every guard of every pending migration, and the lint of all of them, before anything runs.
        var (failures, findings) = Db.ReadOnly(connection, (c, tx) =>
        {
            MigrationCommands.ExcludeOwnSchema(c, tx);
            return (pending.SelectMany(f => MigrationGuards.Check(c, tx, f.FileName, f.Directives, missingFails: false)).ToList(),
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
        var done = new List<string>();
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
            var result = RunOne(connection, set, f, CrmMigrationDirection.Up, o, host, done);
            if (result.Status == CrmMigrationStatus.Applied) done.Add(f.FileName);
            yield return result;
        }
        host.WriteProgress(activity, "Done", 100);
    }

    private static IEnumerable<CrmMigrationResult> UndoApplied(CrmConnection connection, MigrationSet set, MigrationOptions o, ICrmHost host)
    {
        var files = MigrationPlanner.ToUndo(set, o, MigrationStatus.Get(connection, set));
        MigrationPlanner.RefuseOverPooler(connection, files, CrmMigrationDirection.Down);
        if (files.Count == 0)
        {
            host.WriteVerbose("Nothing to roll back.");
            yield break;
        }
        // The rollbacks' guards, before anything runs (a table a newer rollback drops is checked again just before its own).
        var failures = Db.ReadOnly(connection, (c, tx) =>
        {
            MigrationCommands.ExcludeOwnSchema(c, tx);
            return files.SelectMany(f => MigrationGuards.Check(c, tx, f.FileName, f.RollbackDirectives, missingFails: false, "its rollback")).ToList();
        }, "Checking rollback requirements");
        if (failures.Count > 0)
            throw new CrmException("MigrationRequirementFailed", CrmErrorKind.InvalidData, string.Join(" ", failures), files[0].FileName);
        var activity = $"Rolling back migrations on {connection}";
        var done = new List<string>();
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
            var result = RunOne(connection, set, f, CrmMigrationDirection.Down, o, host, done);
            if (result.Status == CrmMigrationStatus.RolledBack) done.Add(f.FileName);
            yield return result;
        }
        host.WriteProgress(activity, "Done", 100);
    }

    /// <summary>One migration in one direction; a failure names, after its own consequence, what this run already did.</summary>
    private static CrmMigrationResult RunOne(CrmConnection connection, MigrationSet set, MigrationFile f, CrmMigrationDirection d, MigrationOptions o, ICrmHost host, List<string> done)
    {
        try
        {
            var noTransaction = d == CrmMigrationDirection.Up ? !f.Transactional : f.RollbackDirectives?.NoTransaction == true;
            return noTransaction ? RunWithoutTransaction(connection, set, f, d, o, host) : RunTransactional(connection, set, f, d, o, host);
        }
        catch (CrmException ex) when (done.Count > 0)
        {
            throw new CrmException(ex.ErrorId, ex.Kind,
                $"{ex.Message} Earlier in this run, {string.Join(", ", done)} {(done.Count == 1 ? "was" : "were")} {(d == CrmMigrationDirection.Up ? "applied" : "rolled back")} and stay{(done.Count == 1 ? "s" : "")} so.", ex.TargetObject)
            { RecommendedAction = ex.RecommendedAction };
        }
    }


    /// <summary>
    /// Records a migration as applied or rolled back without running it, in CrmOps' history (this set's rows) and, for a
    /// project set, in Supabase's ledger (Applied: the row the CLI would write, as `supabase migration repair --status
    /// applied` upserts it; RolledBack: the row deleted, as `repair --status reverted`). Settles each disagreement
    /// between the two in either direction. A version with no file (Missing) can only be marked RolledBack.
    /// </summary>
    public static CrmMigration SetState(CrmConnection connection, MigrationSet set, string version, CrmMigrationState state, MigrationOptions o, ICrmHost host)
    {
        if (state is not (CrmMigrationState.Applied or CrmMigrationState.RolledBack))
            throw new CrmException("MigrationStateInvalid", CrmErrorKind.InvalidArgument, $"-State takes Applied or RolledBack, not {state}.", state);
        var f = set.Migrations.FirstOrDefault(m => m.Version == version);
        var d = state == CrmMigrationState.Applied ? CrmMigrationDirection.Up : CrmMigrationDirection.Down;
        var label = $"Marking {f?.FileName ?? version} {state}";
        using var conn = connection.Open();
        NpgsqlTransaction? tx = null;
        try
        {
            tx = MigrationCommands.BeginLocked(conn, connection, o, host, label);
            MigrationHistory.Ensure(conn, tx, set, label);
            var before = MigrationHistory.Read(conn, tx, set);
            string name;
            var message = "marked by Set-CrmMigrationState";
            if (f != null)
            {
                name = f.Name;
                var current = MigrationStatus.Join(set, before, MigrationHistory.ReadIncomplete(conn, tx, set)).First(m => m.Version == version);
                // Nothing to roll back: a migration never applied (or rolled back already) and absent from the ledger gets no row.
                if (state == CrmMigrationState.RolledBack && MigrationStatus.IsPending(current.State) && current.Ledger != CrmLedgerState.Present)
                {
                    tx.Rollback();
                    host.WriteWarning($"{f.FileName} is {current.State}: it was never applied{(current.State == CrmMigrationState.RolledBack ? " since its last rollback" : "")}, so there is nothing to mark rolled back; the history was not changed.");
                    return current;
                }
                if (current.State == CrmMigrationState.Incomplete) message = "marked by Set-CrmMigrationState, settling an Incomplete run";
            }
            else if (before.Own.TryGetValue(version, out var h) && h.Direction == CrmMigrationDirection.Up || before.Ledger?.ContainsKey(version) == true)
            {
                if (d == CrmMigrationDirection.Up)
                    throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound,
                        $"{version} has no file in '{set.Root}', so it cannot be recorded as applied (the ledger stores the file's statements). Restore the file (`supabase migration fetch` rebuilds it from the ledger), or mark it -State RolledBack.", version);
                name = before.Own.TryGetValue(version, out var h2) && h2.Name != null ? h2.Name : before.Ledger![version].Name;
            }
            else throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound,
                $"No migration with version {version} in '{set.Root}', in CrmOps' history of this set or in Supabase's ledger.", version);
            MigrationHistory.Record(conn, tx, set, f, version, name, d, TimeSpan.Zero, true, f?.Transactional ?? true, true, message, upsert: true);
            if (f != null) Schema.SnapshotStore.RecordAfterMigration(conn, tx, version, d, marked: true, host);
            var after = MigrationHistory.Read(conn, tx, set);
            var incomplete = MigrationHistory.ReadIncomplete(conn, tx, set);
            tx.Commit();
            // A version with no file that is now recorded nowhere as applied is no longer listed: say what it is now.
            return MigrationStatus.Join(set, after, incomplete).FirstOrDefault(m => m.Version == version) ?? new CrmMigration
            {
                Version = version, Name = name, State = CrmMigrationState.RolledBack, Set = set.Kind, History = CrmHistoryState.RolledBack,
                Ledger = after.Ledger == null ? CrmLedgerState.NotUsed : CrmLedgerState.Absent,
            };
        }
        catch (Exception ex)
        {
            MigrationCommands.SafeRollback(tx);
            throw Db.Translate(ex, connection, label);
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

    /// <summary>
    /// Under the lock: whether this version is already in the wanted state (another run did it), or Incomplete (refused),
    /// or in conflict between the two ledgers (a concurrent CLI or dashboard change since the plan: refused).
    /// </summary>
    private static CrmMigrationResult? AlreadyDoneOrRefuse(NpgsqlConnection conn, NpgsqlTransaction tx, MigrationSet set, MigrationFile f, CrmMigrationDirection d, ICrmHost host)
    {
        var incomplete = MigrationHistory.ReadIncomplete(conn, tx, set);
        if (incomplete.TryGetValue(f.Version, out var run))
            throw new CrmException("MigrationIncomplete", CrmErrorKind.InvalidOperation,
                $"Refused: {MigrationStatus.IncompleteMessage(f.FileName, run)} Nothing was changed.", f.FileName)
            { RecommendedAction = $"{MigrationStatus.SetState(set, f.Version, "Applied")} (or RolledBack) once the database is settled." };
        var view = MigrationHistory.Read(conn, tx, set);
        var m = MigrationStatus.Join(set, view).First(x => x.Version == f.Version);
        if (m.State == CrmMigrationState.Conflict)
            MigrationPlanner.ThrowIfConflict(set, [m], "run");
        var applied = m.State is CrmMigrationState.Applied or CrmMigrationState.Modified or CrmMigrationState.Adopted;
        if (d == CrmMigrationDirection.Up != applied) return null;
        host.WriteVerbose($"{f.FileName} was already {(applied ? "applied" : "rolled back")} by another run; skipped.");
        return Result(f, d, CrmMigrationStatus.Skipped, TimeSpan.Zero, $"Already {(applied ? "applied" : "rolled back")} by another run.");
    }

    private static CrmMigrationResult RunTransactional(CrmConnection connection, MigrationSet set, MigrationFile f, CrmMigrationDirection d, MigrationOptions o, ICrmHost host)
    {
        var statements = d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements!;
        var label = $"{(d == CrmMigrationDirection.Up ? "Applying" : "Rolling back")} {f.FileName}";
        using var conn = connection.Open();
        NpgsqlTransaction? tx = null;
        SqlStatement? current = null;
        try
        {
            tx = MigrationCommands.BeginLocked(conn, connection, o, host, label);
            MigrationHistory.Ensure(conn, tx, set, label);
            // Re-check the history inside the locked transaction: a concurrent run may have done this one already.
            if (AlreadyDoneOrRefuse(conn, tx, set, f, d, host) is { } skipped)
            {
                tx.Rollback();
                return skipped;
            }
            var failures = MigrationGuards.Check(conn, tx, f.FileName, d == CrmMigrationDirection.Up ? f.Directives : f.RollbackDirectives, missingFails: true,
                d == CrmMigrationDirection.Up ? null : "its rollback");
            if (failures.Count > 0)
                throw new CrmException("MigrationRequirementFailed", CrmErrorKind.InvalidData, string.Join(" ", failures), f.FileName);
            var role = MigrationCommands.CurrentRole(conn, tx);
            var sw = Stopwatch.StartNew();
            foreach (var s in statements)
            {
                current = s;
                host.WriteVerbose($"{f.FileName} line {s.Line}: {MigrationCommands.FirstLine(s.Text)}");
                MigrationCommands.ExecuteHolding(conn, tx, s.Text, o.LockTimeout, host.Cancellation);
                // Transaction control is refused when the set is loaded; should anything still end the transaction, say so truthfully.
                if (tx.Connection == null)
                    throw new CrmException("MigrationTransactionEnded", CrmErrorKind.InvalidData,
                        $"{label}: line {s.Line} ('{MigrationCommands.FirstLine(s.Text)}') ended CrmOps' transaction: what ran before it may be committed without a history row. Check the database, then record the outcome with Set-CrmMigrationState.", f.FileName);
            }
            current = null;
            MigrationCommands.RestoreSession(conn, tx, role, o.LockTimeout);
            if (d == CrmMigrationDirection.Up) Verify(conn, tx, f, host);
            sw.Stop();
            MigrationHistory.Record(conn, tx, set, f, f.Version, f.Name, d, sw.Elapsed, true, true, false, null);
            Schema.SnapshotStore.RecordAfterMigration(conn, tx, f.Version, d, marked: false, host);
            tx.Commit();
            host.WriteVerbose($"{f.FileName}: {(d == CrmMigrationDirection.Up ? "applied" : "rolled back")} in {sw.Elapsed.TotalSeconds:0.###} s.");
            return Done(f, d, statements, sw.Elapsed);
        }
        catch (Exception ex)
        {
            MigrationCommands.SafeRollback(tx);
            host.Cancellation.ThrowIfCancellationRequested();
            if (ex is CrmException { ErrorId: "MigrationTransactionEnded" or "MigrationIncomplete" or "MigrationRequirementFailed" or "MigrationRunInProgress" } plain) throw plain;
            var cause = Explain(ex, connection, f, current, label, o);
            var consequence = d == CrmMigrationDirection.Up
                ? "Rolled back: no schema change and no history row; the next run retries it."
                : "Rolled back: nothing changed, the migration is still applied.";
            throw With(cause, consequence);
        }
    }

    /// <summary>
    /// Runs the verify queries. Each must return exactly one row with one boolean column, and it must be true: the text
    /// 'true', a number, NULL, no row or several rows are failures that say what came back and how to write the query
    /// (bool_and(...) for a condition over many rows).
    /// </summary>
    internal static void Verify(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationFile f, ICrmHost host)
    {
        if (f.VerifyStatements == null) return;
        foreach (var s in f.VerifyStatements)
        {
            string? problem;
            try
            {
                using var cmd = MigrationCommands.Raw(conn, tx, s.Text);
                using var reg = host.Cancellation.Register(() => { try { cmd.Cancel(); } catch (InvalidOperationException) { /* finished */ } });
                using var r = cmd.ExecuteReader();
                problem = VerifyProblem(r);
            }
            catch (PostgresException pg)
            {
                throw new CrmException("MigrationVerifyFailed", CrmErrorKind.InvalidData,
                    $"{f.FileName}: verify query at {f.VerifyPath}:{s.Line} failed ({ConnectionFactory.FirstLine(pg.MessageText)}, SQLSTATE {pg.SqlState}).", f.FileName);
            }
            if (problem != null)
                throw new CrmException("MigrationVerifyFailed", CrmErrorKind.InvalidData,
                    $"{f.FileName}: verify query at {f.VerifyPath}:{s.Line} ('{MigrationCommands.FirstLine(s.Text)}') {problem}", f.FileName);
            host.WriteVerbose($"{f.FileName}: verify line {s.Line} passed.");
        }
    }

    private static string? VerifyProblem(NpgsqlDataReader r)
    {
        const string how = "A verify query returns exactly one row with one boolean column, e.g. select count(*) = 5 from ..., or select bool_and(<condition>) from ... for many rows.";
        if (r.FieldCount == 0) return $"returned no result. {how}";
        if (!r.Read()) return $"returned no row. {how}";
        if (r.FieldCount != 1) return $"returned {r.FieldCount} columns. {how}";
        var value = r.IsDBNull(0) ? null : r.GetValue(0);
        var type = r.GetDataTypeName(0);
        if (r.Read()) return $"returned more than one row. {how}";
        if (value is null) return $"returned NULL (unknown), not true. {how}";
        if (value is not bool b) return $"returned the {type} value '{value}', not a boolean. {how}";
        return b ? null : "returned false.";
    }

    private static CrmMigrationResult RunWithoutTransaction(CrmConnection connection, MigrationSet set, MigrationFile f, CrmMigrationDirection d, MigrationOptions o, ICrmHost host)
    {
        var statements = d == CrmMigrationDirection.Up ? f.Statements : f.RollbackStatements!;
        var what = d == CrmMigrationDirection.Up ? "up script" : "rollback";
        var label = $"{(d == CrmMigrationDirection.Up ? "Applying" : "Rolling back")} {f.FileName} (no transaction)";
        // The run lock: session-level, on a connection of its own, held from before the history check until the last
        // history row is written, across every autocommitted statement (a transaction-level lock would end with the
        // first statement). Transactional runs take the same key, so no other run interleaves.
        using var lockConn = connection.Open();
        MigrationCommands.AcquireSessionLock(lockConn, connection, o, host, label);
        var sw = new Stopwatch();
        SqlStatement? current = null;
        var started = false;
        long startRow = 0;
        try
        {
            using (var tx = lockConn.BeginTransaction(System.Data.IsolationLevel.ReadCommitted))
            {
                MigrationCommands.SetLockTimeout(lockConn, tx, o.LockTimeout);
                MigrationCommands.ExcludeOwnSchema(lockConn, tx);
                MigrationHistory.Ensure(lockConn, tx, set, label);
                if (AlreadyDoneOrRefuse(lockConn, tx, set, f, d, host) is { } skipped)
                {
                    tx.Rollback();
                    return skipped;
                }
                var failures = MigrationGuards.Check(lockConn, tx, f.FileName, d == CrmMigrationDirection.Up ? f.Directives : f.RollbackDirectives, missingFails: true,
                    d == CrmMigrationDirection.Up ? null : "its rollback");
                if (failures.Count > 0)
                    throw new CrmException("MigrationRequirementFailed", CrmErrorKind.InvalidData, string.Join(" ", failures), f.FileName);
                // The start row, committed before the first statement: if this process dies, the state is Incomplete, not Pending.
                startRow = MigrationHistory.Record(lockConn, tx, set, f, f.Version, f.Name, d, TimeSpan.Zero, false, false, false,
                    $"started by {Environment.UserName}@{Environment.MachineName} (process {Environment.ProcessId}) and never recorded its end: the process was killed or lost its connection");
                tx.Commit();
                started = true;
            }
            sw.Start();
            using (var conn = connection.Open())
            {
                MigrationCommands.Run(conn, null, "set_lock_timeout_session.sql", MigrationCommands.Milliseconds(o.LockTimeout));
                MigrationCommands.Run(conn, null, "search_path_session.sql");
                var role = MigrationCommands.CurrentRole(conn, null);
                foreach (var s in statements)
                {
                    current = s;
                    host.WriteVerbose($"{f.FileName} line {s.Line} (no transaction): {MigrationCommands.FirstLine(s.Text)}");
                    MigrationCommands.ExecuteHolding(conn, null, s.Text, o.LockTimeout, host.Cancellation);
                }
                current = null;
                MigrationCommands.RestoreSession(conn, null, role, o.LockTimeout);
                if (d == CrmMigrationDirection.Up) Verify(conn, null, f, host);
                MigrationCommands.Run(conn, null, "reset_session.sql");
            }
            sw.Stop();
            using (var tx = MigrationCommands.BeginLocked(lockConn, connection, o, host, label))
            {
                MigrationHistory.Finish(lockConn, tx, set, f, startRow, f.Version, d, sw.Elapsed, true, null);
                Schema.SnapshotStore.RecordAfterMigration(lockConn, tx, f.Version, d, marked: false, host);
                tx.Commit();
            }
            return Done(f, d, statements, sw.Elapsed, ["Ran without a transaction (crmops:no-transaction)."]);
        }
        catch (Exception ex)
        {
            if (!started)
            {
                host.Cancellation.ThrowIfCancellationRequested();
                throw ex is CrmException ce ? ce : Db.Translate(ex, connection, label);
            }
            var stopped = host.Cancellation.IsCancellationRequested;
            var cause = stopped
                ? new CrmException("MigrationStopped", CrmErrorKind.OperationStopped, $"{label}: stopped{(current == null ? "" : $" at line {current.Line}")}.", f.FileName)
                : Explain(ex, connection, f, current, label, o);
            var ran = current == null
                ? (statements.Count == 1 ? "its one statement ran and stays applied" : $"all {statements.Count} of its statements ran and stay applied")
                : statements.TakeWhile(s => s != current).Count() is var n && n > 0
                    ? $"{(n == 1 ? $"the statement at line {statements[0].Line}" : $"the {n} statements at lines {statements[0].Line}-{statements[n - 1].Line}")} ran and stay{(n == 1 ? "s" : "")} applied, line {current.Line} did not"
                    : $"line {current.Line}, its first statement, did not run, so nothing of it is applied";
            var consequence = $"This {what} runs without a transaction (crmops:no-transaction): {ran}. Its state is now Incomplete: check the database, finish or undo the rest by hand, " +
                $"then record the outcome with Set-CrmMigrationState -Version {f.Version} -State {(d == CrmMigrationDirection.Up ? "Applied" : "RolledBack")} (or {(d == CrmMigrationDirection.Up ? "RolledBack" : "Applied")}).";
            var error = new CrmException(cause.ErrorId, cause.Kind, $"{Strip(cause.Message)} {consequence}", f.FileName)
            { RecommendedAction = $"Set-CrmMigrationState -Version {f.Version} once the database is settled." };
            // The failure row (the start row already says Incomplete; this one says how it ended), on the locked connection if it still works.
            try
            {
                if (lockConn.State != System.Data.ConnectionState.Open) throw new InvalidOperationException("the lock connection is closed");
                using var t2 = lockConn.BeginTransaction();
                MigrationHistory.Finish(lockConn, t2, set, f, startRow, f.Version, d, sw.Elapsed, false, $"{Strip(cause.Message).TrimEnd('.')} ({ran})");
                t2.Commit();
            }
            catch (Exception logEx) when (logEx is NpgsqlException or CrmException or InvalidOperationException or IOException)
            {
                host.WriteWarning($"{f.FileName}: how the run ended could not be recorded ({ConnectionFactory.FirstLine(logEx.Message)}); its start row already marks it Incomplete.");
            }
            host.Cancellation.ThrowIfCancellationRequested();
            throw error;
        }
        finally
        {
            if (lockConn.State == System.Data.ConnectionState.Open) MigrationCommands.ReleaseSessionLock(lockConn);
        }
    }

    /// <summary>A cause and what became of the migration, in one message (the consequence last, after the cause).</summary>
    private static CrmException With(CrmException cause, string consequence) =>
        new(cause.ErrorId, cause.Kind, $"{Strip(cause.Message)} {consequence}", cause.TargetObject) { RecommendedAction = cause.RecommendedAction };

    private static string Strip(string message) => message.TrimEnd();

    /// <summary>A failure as a one-line error that names the migration, the statement's line and, after a lock_timeout, the lock (the caller adds what became of the migration).</summary>
    private static CrmException Explain(Exception ex, CrmConnection connection, MigrationFile f, SqlStatement? s, string label, MigrationOptions o)
    {
        if (ex is CrmException ce) return ce;
        var where = s == null ? f.FileName : $"{f.FileName} line {s.Line}";
        if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } && s != null)
        {
            var holders = LockHolders(connection, s);
            return new CrmException("MigrationLockTimeout", CrmErrorKind.ResourceBusy,
                $"{label}: {where} waited longer than the lock_timeout of {o.LockTimeout.TotalSeconds:0.###} s for a lock ({holders}). Run it when the workload is quieter, or raise -LockTimeout.", f.FileName);
        }
        if (ex is PostgresException pg)
        {
            var detail = pg.Detail is { Length: > 0 } dt ? " " + ConnectionFactory.FirstLine(dt) : "";
            var hint = pg.SqlState == PostgresErrorCodes.ActiveSqlTransaction
                ? " Statements such as CREATE INDEX CONCURRENTLY cannot run in a transaction: put them in a migration of their own headed '-- crmops:no-transaction'."
                : pg.SqlState == PostgresErrorCodes.QueryCanceled && s != null
                    ? " It was cancelled by statement_timeout (the role's, the database's or the connection's setting) or by another session."
                    : "";
            var (id, kind) = pg.SqlState switch
            {
                _ when Db.IsConnectionLoss(pg.SqlState) => ("MigrationConnectionLost", CrmErrorKind.ConnectionError),
                PostgresErrorCodes.QueryCanceled => ("MigrationStatementCancelled", CrmErrorKind.OperationStopped),
                PostgresErrorCodes.InsufficientPrivilege => ("MigrationPermissionDenied", CrmErrorKind.PermissionDenied),
                _ => ("MigrationFailed", CrmErrorKind.InvalidOperation),
            };
            return new CrmException(id, kind,
                connection.Redact($"{label}: {where} failed: {ConnectionFactory.FirstLine(pg.MessageText)} (SQLSTATE {pg.SqlState}).{detail}{hint}"), f.FileName);
        }
        if (ex is NpgsqlException or IOException)
            return new CrmException("MigrationConnectionLost", CrmErrorKind.ConnectionError,
                connection.Redact($"{label}: {where}: the connection was lost ({ConnectionFactory.FirstLine(ex.Message)}); the server ends its transaction."), f.FileName);
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
