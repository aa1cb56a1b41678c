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
    /// <summary>The pending migrations of an apply run (version order), after the refusals: invalid set, unknown target, modified files, out of order.</summary>
    internal static List<MigrationFile> Pending(MigrationSet set, MigrationOptions o, IReadOnlyList<CrmMigration> status)
    {
        set.ThrowIfInvalid();
        if (o.TargetVersion != null && set.Migrations.All(f => f.Version != o.TargetVersion))
            throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"No migration with version {o.TargetVersion} in '{set.Root}'.", o.TargetVersion);
        var modified = status.Where(m => m.State == CrmMigrationState.Modified).ToList();
        if (modified.Count > 0)
            throw new CrmException("MigrationModified", CrmErrorKind.InvalidData,
                $"Refused: applied migration(s) changed since they were applied: {string.Join(", ", modified.Select(m => m.Path ?? m.FileName))} (checksum differs from the history). Restore the file, or write a new migration for the change.", modified[0].FileName)
            { RecommendedAction = "Restore the applied file from version control; put further changes in a new migration." };
        var pending = status.Where(m => MigrationStatus.IsPending(m.State))
            .Where(m => o.TargetVersion == null || string.CompareOrdinal(m.Version, o.TargetVersion) <= 0)
            .Select(m => set.Migrations.First(f => f.Version == m.Version)).ToList();
        var newestApplied = MigrationStatus.NewestApplied(status);
        var early = pending.Where(p => string.CompareOrdinal(p.Version, newestApplied) < 0).ToList();
        if (early.Count > 0 && !o.AllowOutOfOrder)
            throw new CrmException("MigrationOutOfOrder", CrmErrorKind.InvalidOperation,
                $"Refused: pending migration(s) {string.Join(", ", early.Select(e => e.FileName))} are older than the newest applied version {newestApplied}. Rename them to a newer version, or pass -AllowOutOfOrder if the order does not matter.", early[0].FileName);
        return pending;
    }

    /// <summary>The applied migrations an undo would roll back, newest first, after every refusal (missing rollback, missing file).</summary>
    internal static List<MigrationFile> ToUndo(MigrationSet set, MigrationOptions o, IReadOnlyList<CrmMigration> status)
    {
        set.ThrowIfInvalid();
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
        return files;
    }

    /// <summary>What an apply run would do: each pending migration, its statements, the existing tables it touches with exact row counts, and its lint findings.</summary>
    public static IReadOnlyList<CrmMigrationResult> PlanApply(CrmConnection connection, MigrationSet set, MigrationOptions o)
    {
        var pending = Pending(set, o, MigrationStatus.Get(connection, set));
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
        var failures = direction == CrmMigrationDirection.Up ? MigrationGuards.Check(conn, tx, f, missingFails: false) : [];
        if (direction == CrmMigrationDirection.Up)
            foreach (var r in f.Directives.Requirements)
                if (MigrationGuards.ExactCount(conn, tx, r.QuotedName, out _) == null)
                    warnings.Add($"{f.FileName} requires {r}, but {r.DisplayName} does not exist yet: the guard is checked just before the migration runs.");
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
