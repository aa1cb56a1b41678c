using CrmOps.Connections;

namespace CrmOps.Migrations;

/// <summary>A migration set joined with the database's history: which file is Pending, Applied, Modified, RolledBack, Missing or Incomplete.</summary>
public static class MigrationStatus
{
    public static IReadOnlyList<CrmMigration> Get(CrmConnection connection, MigrationSet set)
    {
        var (history, incomplete) = Db.ReadOnly(connection, (c, tx) => (MigrationHistory.Read(c, tx), MigrationHistory.ReadIncomplete(c, tx)), "Reading the migration history");
        return Join(set, history, incomplete);
    }

    internal static IReadOnlyList<CrmMigration> Join(MigrationSet set, Dictionary<string, HistoryEntry> history, Dictionary<string, IncompleteRun>? incomplete = null)
    {
        incomplete ??= [];
        var list = new List<CrmMigration>();
        foreach (var f in set.Migrations)
        {
            history.TryGetValue(f.Version, out var h);
            if (incomplete.TryGetValue(f.Version, out var run))
            {
                list.Add(ToModel(f, CrmMigrationState.Incomplete, h, IncompleteMessage(f.FileName, run)));
                continue;
            }
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

    /// <summary>What an Incomplete state means and how to settle it.</summary>
    internal static string IncompleteMessage(string fileName, IncompleteRun run) =>
        $"{fileName} is Incomplete: its {(run.Direction == CrmMigrationDirection.Up ? "up script" : "rollback")} started without a transaction " +
        $"at {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z ({run.StartedBy}) and did not finish ({Trim(run.Message)}), so some of its statements may be applied. " +
        $"Check what it did and finish or undo the rest by hand, then record the outcome with Set-CrmMigrationState -Version {run.Version} -State Applied (or RolledBack); " +
        "CrmOps will not run it again blindly. If another run is executing it right now, wait for that run to finish.";

    private static string Trim(string message)
    {
        var m = message.TrimEnd('.', ' ');
        return m.Length > 300 ? m[..300] + "..." : m;
    }

    public static CrmMigration ToModel(MigrationFile f, CrmMigrationState state, HistoryEntry? h = null, string? message = null) => new()
    {
        Version = f.Version,
        Name = f.Name,
        State = state,
        AppliedAt = h?.AppliedAt,
        AppliedBy = h?.AppliedBy,
        Checksum = f.Checksum,
        HasRollback = f.HasRollbackStatements,
        HasVerify = f.VerifyStatements is { Count: > 0 },
        Transactional = f.Transactional,
        Requirements = f.Directives.Requirements.Select(r => r.ToString()).ToArray(),
        Path = f.Path,
        RollbackPath = f.RollbackPath,
        VerifyPath = f.VerifyPath,
        Message = message,
    };

    internal static bool IsApplied(CrmMigrationState s) => s is CrmMigrationState.Applied or CrmMigrationState.Modified;

    internal static bool IsPending(CrmMigrationState s) => s is CrmMigrationState.Pending or CrmMigrationState.RolledBack;

    /// <summary>The newest version the database has applied (files or not); "" when none.</summary>
    internal static string NewestApplied(IEnumerable<CrmMigration> status) =>
        status.Where(m => IsApplied(m.State) || m.State == CrmMigrationState.Missing).Select(m => m.Version).DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
}
