using System.Globalization;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Lint;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>
/// Which migrations a run would apply or roll back, after every refusal that must come before anything runs, and the
/// plan -WhatIf shows: each migration's statements and the existing tables it touches with their exact row counts.
/// </summary>
public static class MigrationPlanner
{
    /// <summary>
    /// The pending migrations of an apply run (version order), after the refusals: invalid set, unknown target, modified
    /// files, Incomplete runs, out of order. An Incomplete migration is refused unless <paramref name="incompleteMayBeRunning"/>
    /// (another run holds the lock and may be executing it): then it is pending, and the runner decides under the lock.
    /// </summary>
    internal static List<MigrationFile> Pending(MigrationSet set, MigrationOptions o, IReadOnlyList<CrmMigration> status, bool incompleteMayBeRunning = false)
    {
        set.ThrowIfInvalid();
        ThrowIfConflict(set, status, "apply");
        if (o.TargetVersion != null && set.Migrations.All(f => f.Version != o.TargetVersion))
            throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"No migration with version {o.TargetVersion} in '{set.Root}'.", o.TargetVersion);
        var modified = status.Where(m => m.State == CrmMigrationState.Modified).ToList();
        if (modified.Count > 0)
            throw new CrmException("MigrationModified", CrmErrorKind.InvalidData,
                $"Refused: applied migration(s) changed since they were applied: {string.Join(", ", modified.Select(m => m.Path ?? m.FileName))} (checksum differs from CrmOps' history, or the statements from Supabase's ledger). Restore the file, or write a new migration for the change.", modified[0].FileName)
            { RecommendedAction = "Restore the applied file from version control; put further changes in a new migration." };
        var incomplete = status.Where(m => m.State == CrmMigrationState.Incomplete)
            .Where(m => o.TargetVersion == null || string.CompareOrdinal(m.Version, o.TargetVersion) <= 0).ToList();
        if (incomplete.Count > 0 && !incompleteMayBeRunning) throw Incomplete(incomplete);
        var pending = status.Where(m => MigrationStatus.IsPending(m.State) || (incompleteMayBeRunning && m.State == CrmMigrationState.Incomplete))
            .Where(m => o.TargetVersion == null || string.CompareOrdinal(m.Version, o.TargetVersion) <= 0)
            .Select(m => set.Migrations.First(f => f.Version == m.Version)).ToList();
        var newestApplied = MigrationStatus.NewestApplied(status);
        var early = pending.Where(p => string.CompareOrdinal(p.Version, newestApplied) < 0).ToList();
        if (early.Count > 0 && !o.AllowOutOfOrder)
            throw new CrmException("MigrationOutOfOrder", CrmErrorKind.InvalidOperation,
                $"Refused: pending migration(s) {string.Join(", ", early.Select(e => e.FileName))} are older than the newest applied version {newestApplied}. Rename them to a newer version, or pass -AllowOutOfOrder if the order does not matter.", early[0].FileName);
        return pending;
    }

    /// <summary>Refuses while a migration is Incomplete: nothing more is run on top of a half-applied one.</summary>
    private static CrmException Incomplete(List<CrmMigration> incomplete) =>
        new("MigrationIncomplete", CrmErrorKind.InvalidOperation,
            $"Refused: {incomplete[0].Message}{(incomplete.Count > 1 ? $" (also Incomplete: {string.Join(", ", incomplete.Skip(1).Select(m => m.FileName))})" : "")} Nothing was changed.", incomplete[0].FileName)
        { RecommendedAction = $"Set-CrmMigrationState -Version {incomplete[0].Version} -State Applied (or RolledBack) once the database is settled." };

    /// <summary>
    /// Through a transaction-mode pooler (Supabase's port 6543, PgBouncer) a script without a transaction cannot be run
    /// safely: no session-level lock keeps other runs out while its statements autocommit, and its lock_timeout cannot be
    /// set without reaching other clients. Refused before anything runs; a direct or session-mode connection works.
    /// </summary>
    internal static void RefuseOverPooler(CrmConnection connection, IReadOnlyList<MigrationFile> files, CrmMigrationDirection d)
    {
        if (!connection.Pooled) return;
        var noTx = files.Where(f => d == CrmMigrationDirection.Up ? !f.Transactional : f.RollbackDirectives?.NoTransaction == true).ToList();
        if (noTx.Count == 0) return;
        throw new CrmException("MigrationNoTransactionPooled", CrmErrorKind.InvalidOperation,
            $"Refused: {string.Join(", ", noTx.Select(f => f.FileName))} {(d == CrmMigrationDirection.Up ? "runs" : "rolls back")} without a transaction (crmops:no-transaction), and {connection} goes through a transaction-mode pooler, " +
            "where CrmOps can neither hold the migration lock across its statements nor give them its lock_timeout without reaching other clients. " +
            "Run it over a direct or session-mode connection (Supabase: the direct connection, or the session pooler on port 5432); nothing was changed.", noTx[0].FileName)
        { RecommendedAction = "Connect to port 5432 (direct, or Supavisor's session mode) for this migration." };
    }

    /// <summary>The applied migrations an undo would roll back, newest first, after every refusal (Incomplete runs, missing or empty rollback, missing file).</summary>
    internal static List<MigrationFile> ToUndo(MigrationSet set, MigrationOptions o, IReadOnlyList<CrmMigration> status)
    {
        set.ThrowIfInvalid();
        ThrowIfConflict(set, status, "roll back");
        var incomplete = status.Where(m => m.State == CrmMigrationState.Incomplete).ToList();
        if (incomplete.Count > 0) throw Incomplete(incomplete);
        var applied = status.Where(m => MigrationStatus.IsApplied(m.State) || m.State == CrmMigrationState.Missing)
            .OrderByDescending(m => m.Version, StringComparer.Ordinal).ToList();
        if (o.TargetVersion != null)
        {
            if (status.All(m => m.Version != o.TargetVersion))
                throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"No migration with version {o.TargetVersion} (in the files or the history).", o.TargetVersion);
            applied = applied.Where(m => string.CompareOrdinal(m.Version, o.TargetVersion) > 0).ToList();
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
        // A rollback with nothing to run would record RolledBack while everything stays: refused.
        var empty = files.Where(f => !f.HasRollbackStatements).ToList();
        if (empty.Count > 0)
            throw new CrmException("MigrationRollbackEmpty", CrmErrorKind.InvalidData,
                $"Refused: the rollback script {empty[0].RollbackPath} has no statement to run{empty[0].RollbackEmptyReason}; rolling back would record {empty[0].FileName} as rolled back while everything it did stays. " +
                "Write the rollback, or, if the migration cannot be undone, record it by hand with Set-CrmMigrationState -State RolledBack once you have undone it. Nothing was changed.", empty[0].FileName);
        return files;
    }

    /// <summary>
    /// Where CrmOps' history and Supabase's ledger disagree no run guesses which is right: it refuses, names each
    /// disagreement and the Set-CrmMigrationState calls that settle it, and changes nothing.
    /// </summary>
    internal static void ThrowIfConflict(MigrationSet set, IReadOnlyList<CrmMigration> status, string verb)
    {
        var conflicts = status.Where(m => m.State == CrmMigrationState.Conflict).ToList();
        if (conflicts.Count == 0) return;
        var detail = string.Join(" ", conflicts.Select(c => $"{c.FileName}: {c.Disagreement} Settle it with: {string.Join("  or  ", c.Resolution.Select(r => r.Split("   #")[0]))}."));
        throw new CrmException("MigrationConflict", CrmErrorKind.InvalidOperation,
            $"Refused to {verb} migrations of '{set.Root}': CrmOps' history and Supabase's ledger disagree about {conflicts.Count} migration(s), and CrmOps does not guess which is right; nothing was changed. {detail}", conflicts[0].FileName)
        { RecommendedAction = conflicts[0].Resolution.FirstOrDefault()?.Split("   #")[0] };
    }

    /// <summary>What an apply run would do: each pending migration, its statements, the existing tables it touches with exact row counts, and its lint findings.</summary>
    public static IReadOnlyList<CrmMigrationResult> PlanApply(CrmConnection connection, MigrationSet set, MigrationOptions o)
    {
        var pending = Pending(set, o, MigrationStatus.Get(connection, set));
        RefuseOverPooler(connection, pending, CrmMigrationDirection.Up);
        return Db.ReadOnly(connection, (conn, tx) =>
        {
            MigrationCommands.ExcludeOwnSchema(conn, tx);
            var findings = MigrationLinter.Run(conn, tx, pending, o.Lint);
            return pending.Select(f => PlanOne(conn, tx, f, f.Statements, CrmMigrationDirection.Up,
                findings.Where(x => x.Version == f.Version).ToArray(), o.IgnoreLintErrors)).ToList();
        }, "Planning migrations");
    }

    /// <summary>What an undo run would do, newest first.</summary>
    public static IReadOnlyList<CrmMigrationResult> PlanUndo(CrmConnection connection, MigrationSet set, MigrationOptions o)
    {
        var files = ToUndo(set, o, MigrationStatus.Get(connection, set));
        RefuseOverPooler(connection, files, CrmMigrationDirection.Down);
        return Db.ReadOnly(connection, (conn, tx) =>
        {
            MigrationCommands.ExcludeOwnSchema(conn, tx);
            return files.Select(f => PlanOne(conn, tx, f, f.RollbackStatements!, CrmMigrationDirection.Down)).ToList();
        }, "Planning rollbacks");
    }

    private static CrmMigrationResult PlanOne(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationFile f, IReadOnlyList<SqlStatement> statements, CrmMigrationDirection direction,
        CrmLintFinding[]? findings = null, bool ignoreLintErrors = false)
    {
        var tables = new List<string>();
        var warnings = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in statements)
            foreach (var t in TouchedTables.Find(s))
            {
                var rows = MigrationGuards.ExactCount(conn, tx, t, out var resolved);
                if (rows == null || !seen.Add(resolved)) continue;
                tables.Add($"{resolved} ({rows.Value.ToString("N0", CultureInfo.InvariantCulture)} rows)");
                if (rows.Value < 10)
                    warnings.Add($"{f.FileName} touches {resolved}, which has only {rows.Value} row(s): likely test data. Is this the table you meant?");
            }
        var directives = direction == CrmMigrationDirection.Up ? f.Directives : f.RollbackDirectives;
        var script = direction == CrmMigrationDirection.Up ? null : "its rollback";
        var failures = MigrationGuards.Check(conn, tx, f.FileName, directives, missingFails: false, script);
        foreach (var r in directives?.Requirements ?? [])
            if (MigrationGuards.ExactCount(conn, tx, r.QuotedName, out _) == null)
                warnings.Add($"{f.FileName}{(script == null ? "" : $" ({script})")} requires {r}, but {r.DisplayName} does not exist yet: the guard is checked again just before it runs, and refuses it if the table is still missing.");
        findings ??= [];
        foreach (var x in findings.Where(x => x.Allowed))
            warnings.Add($"{f.FileName} line {x.Line}: {x.Rule} ({x.Severity}) allowed by the file: {x.AllowReason}");
        if (!ignoreLintErrors && MigrationLinter.Refusal(findings) is { } refusal) failures.Add(refusal);
        return new CrmMigrationResult
        {
            Version = f.Version,
            Name = f.Name,
            Direction = direction,
            Status = failures.Count == 0 ? CrmMigrationStatus.Planned : CrmMigrationStatus.Refused,
            Findings = findings,
            Statements = statements.Count,
            StatementText = statements.Select(s => s.Text).ToArray(),
            Tables = tables.ToArray(),
            Warnings = warnings.ToArray(),
            Message = failures.Count == 0 ? null : string.Join(" ", failures),
        };
    }
}
