using System.Globalization;
using CrmOps.Connections;

namespace CrmOps.Migrations;

/// <summary>Test-CrmMigration without -RoundTrip: the set's names and files, checksums against the history, rollbacks, order and guards.</summary>
public static class MigrationValidator
{
    public static IReadOnlyList<CrmCheckResult> Validate(CrmConnection connection, MigrationSet set)
    {
        var results = new List<CrmCheckResult>();
        foreach (var p in set.Problems)
            results.Add(Fail(p.ErrorId, p.Path, p.Message));
        if (set.Problems.Count == 0)
            results.Add(Pass("MigrationFiles", set.Root, $"{set.Migrations.Count} migration(s): names, versions and scripts are valid."));

        // Supabase's CLI applies files in file-name order and compares versions as text: the two orders must agree.
        var byName = set.Migrations.Select(f => f.Version).ToList();
        var byVersion = byName.OrderBy(v => v, StringComparer.Ordinal).ToList();
        if (!byName.SequenceEqual(byVersion))
            results.Add(Fail("MigrationVersionOrder", set.Root,
                $"File-name order ({string.Join(", ", byName)}) differs from version order ({string.Join(", ", byVersion)}): versions of different lengths sort differently, and Supabase's CLI then reports versions as missing. Give every version the same number of digits (14: yyyyMMddHHmmss, as New-CrmMigration and `supabase migration new` do)."));

        var (view, incomplete) = Db.ReadOnly(connection,
            (c, tx) => (MigrationHistory.Read(c, tx, set), MigrationHistory.ReadIncomplete(c, tx, set)), "Reading the migration history");
        var status = MigrationStatus.Join(set, view, incomplete);
        foreach (var m in status.Where(m => m.State == CrmMigrationState.Incomplete))
            results.Add(Fail("MigrationIncomplete", m.Path ?? m.FileName, m.Message ?? $"{m.FileName} is Incomplete."));
        foreach (var m in status.Where(m => m.State == CrmMigrationState.Modified))
            results.Add(Fail("MigrationModified", m.Path ?? m.FileName,
                view.Own.TryGetValue(m.Version, out var own) && own.Direction == CrmMigrationDirection.Up
                    ? $"{m.FileName} was changed after it was applied (checksum differs from CrmOps' history)."
                    : $"{m.FileName} was changed after Supabase's CLI applied it (its statements differ from the ledger's).",
                view.Own.TryGetValue(m.Version, out var o) ? o.Checksum : "(ledger)", m.Checksum));
        foreach (var m in status.Where(m => m.State == CrmMigrationState.Missing))
            results.Add(Fail("MigrationMissing", m.FileName, m.Disagreement is { } d
                ? $"{d} Settle it with: {string.Join("  or  ", m.Resolution.Select(r => r.Split("   #")[0]))}."
                : $"{m.FileName} is applied in the database (CrmOps' history of this set) but has no file in '{set.Root}'."));
        foreach (var m in status.Where(m => m.State == CrmMigrationState.Conflict))
            results.Add(Fail("MigrationConflict", m.FileName,
                $"{m.FileName}: {m.Disagreement} Settle it with: {string.Join("  or  ", m.Resolution.Select(r => r.Split("   #")[0]))}.",
                $"history: {m.History}", $"ledger: {m.Ledger}"));
        if (!status.Any(m => m.State is CrmMigrationState.Modified or CrmMigrationState.Missing or CrmMigrationState.Conflict))
            results.Add(Pass("MigrationChecksums", set.Root, view.Ledger != null
                ? "Every applied migration matches its file, and CrmOps' history and Supabase's ledger agree."
                : "Every applied migration matches its file."));

        var noRollback = set.Migrations.Where(f => !f.HasRollbackStatements).ToList();
        foreach (var f in noRollback)
            results.Add(f.RollbackStatements == null
                ? Fail("MigrationRollbackMissing", f.Path, $"{f.FileName} has no rollback script.", Path.Combine(set.Root, "rollbacks", f.FileName))
                : Fail("MigrationRollbackEmpty", f.RollbackPath!, $"{f.FileName}'s rollback script has no statement to run{f.RollbackEmptyReason}: Undo-CrmMigration refuses it until it undoes the migration."));
        if (noRollback.Count == 0) results.Add(Pass("MigrationRollbacks", set.Root, "Every migration has a rollback script with statements to run."));

        var newestApplied = MigrationStatus.NewestApplied(status);
        var pending = status.Where(m => MigrationStatus.IsPending(m.State)).ToList();
        foreach (var m in pending.Where(m => string.CompareOrdinal(m.Version, newestApplied) < 0))
            results.Add(Fail("MigrationOutOfOrder", m.FileName,
                $"{m.FileName} is pending but older than the newest applied version {newestApplied} (Invoke-CrmMigration refuses it without -AllowOutOfOrder).",
                $"> {newestApplied}", m.Version));

        results.AddRange(Db.ReadOnly(connection, (c, tx) =>
        {
            MigrationCommands.ExcludeOwnSchema(c, tx);
            var list = new List<CrmCheckResult>();
            foreach (var f in pending.Select(m => set.Migrations.First(x => x.Version == m.Version)))
                foreach (var r in f.Directives.Requirements)
                {
                    var rows = MigrationGuards.ExactCount(c, tx, r.QuotedName, out var resolved);
                    var ok = rows != null && r.IsSatisfiedBy(rows.Value);
                    list.Add(new CrmCheckResult
                    {
                        Check = "MigrationRequirement", Target = $"{f.FileName}: {(rows == null ? r.DisplayName : resolved)}", Expected = $"{r.Operator} {r.Count}",
                        Actual = rows?.ToString(CultureInfo.InvariantCulture) ?? "(no such table)", Passed = ok,
                        Message = ok ? $"{f.FileName} requires {r}: met ({rows} rows)." :
                            rows == null ? $"{f.FileName} requires {r}, but the table does not exist." : $"{f.FileName} requires {r}, but {resolved} has {rows} row(s).",
                    });
                }
            return list;
        }, "Checking migration requirements"));
        return results;
    }

    internal static CrmCheckResult Pass(string check, string target, string message) => new() { Check = check, Target = target, Passed = true, Message = message };

    internal static CrmCheckResult Fail(string check, string target, string message, string? expected = null, string? actual = null) =>
        new() { Check = check, Target = target, Passed = false, Message = message, Expected = expected, Actual = actual };
}
