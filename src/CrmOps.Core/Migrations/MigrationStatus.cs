using CrmOps.Connections;

namespace CrmOps.Migrations;

/// <summary>A migration set joined with the database's history: which file is Pending, Applied, Modified, RolledBack or Missing.</summary>
public static class MigrationStatus
{
    public static IReadOnlyList<CrmMigration> Get(CrmConnection connection, MigrationSet set)
    {
        var history = Db.ReadOnly(connection, (c, tx) => MigrationHistory.Read(c, tx), "Reading the migration history");
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

    internal static bool IsApplied(CrmMigrationState s) => s is CrmMigrationState.Applied or CrmMigrationState.Modified;

    internal static bool IsPending(CrmMigrationState s) => s is CrmMigrationState.Pending or CrmMigrationState.RolledBack;

    /// <summary>The newest version the database has applied (files or not); "" when none.</summary>
    internal static string NewestApplied(IEnumerable<CrmMigration> status) =>
        status.Where(m => IsApplied(m.State) || m.State == CrmMigrationState.Missing).Select(m => m.Version).DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
}
