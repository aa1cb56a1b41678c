using CrmOps.Migrations;

namespace CrmOps.Errors;

/// <summary>What to do about a missing built-in object: why, and the commands that fix it, ready to run.</summary>
public sealed record BuiltInFix(string Why, string Commands);

/// <summary>
/// The commands CrmOps recommends in its messages and RecommendedAction: each ready to run as written, on the database
/// the user named (with -Connection as they gave it), and leading somewhere that works. A built-in migration recorded
/// as applied whose objects were dropped is restored (rolled back or marked, then applied again), not "applied" again,
/// which would do nothing.
/// </summary>
public static class Advice
{
    /// <summary>A CrmOps command line, with -Connection as the user gave it when they did.</summary>
    public static string Command(CrmConnection connection, string command) =>
        connection.CommandArgument is { } argument ? $"{command} -Connection {argument}" : command;

    /// <summary>Several commands, to run one after the other (one line, separated by '; ').</summary>
    public static string Commands(CrmConnection connection, params string[] commands) =>
        string.Join("; ", commands.Select(c => Command(connection, c)));

    /// <summary>
    /// How to (re)install the objects of a built-in migration (<see cref="BuiltInMigrations"/>), from what the
    /// database's history of the built-in set says of it. Pending: apply it. Recorded as applied (its objects dropped
    /// since): the later applied built-in migrations that amend earlier ones (<see cref="BuiltInMigrations.Amending"/>,
    /// such as secure_builtin_objects) are marked rolled back, so that they run again on the restored objects. Then,
    /// when every other later applied one rolls back without losing data (<see cref="BuiltInMigrations.RollbackKeepsData"/>),
    /// those and the migration itself are rolled back (its rollback drops whatever is left of it) and the set is
    /// applied again; otherwise (a later one holds data, such as the scoring columns after the timeline) the migration
    /// is marked rolled back and applied again out of order. A restore that reinstalls scoring ends with a scoring run, since the score column starts empty.
    /// </summary>
    public static BuiltInFix InstallBuiltIn(CrmConnection connection, string version)
    {
        IReadOnlyList<CrmMigration>? status = null;
        if (BuiltInMigrations.TryLoad() is { } set)
        {
            try { status = MigrationStatus.Get(connection, set); }
            catch (CrmException) { /* no history readable: advise the plain apply */ }
        }
        static bool Applied(CrmMigration m) => m.State is CrmMigrationState.Applied or CrmMigrationState.Adopted or CrmMigrationState.Modified or CrmMigrationState.Missing;
        var m = status?.FirstOrDefault(x => x.Version == version);
        var steps = new List<string>();
        string why;
        if (m is null || !Applied(m))
        {
            var newerApplied = status?.Any(x => Applied(x) && string.CompareOrdinal(x.Version, version) > 0) == true;
            why = $"its built-in migration {version} is not applied";
            steps.Add(newerApplied ? $"Invoke-CrmMigration -BuiltIn -Target {version} -AllowOutOfOrder" : "Invoke-CrmMigration -BuiltIn");
        }
        else
        {
            why = $"its built-in migration {version} is recorded as applied (on {m.AppliedAt?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown date"}), but its objects are gone since";
            var later = status!.Where(x => Applied(x) && string.CompareOrdinal(x.Version, version) > 0).OrderByDescending(x => x.Version, StringComparer.Ordinal).ToList();
            var amendments = later.Where(x => BuiltInMigrations.Amending.Contains(x.Version)).ToList();
            var others = later.Where(x => !BuiltInMigrations.Amending.Contains(x.Version)).ToList();
            foreach (var a in amendments)
                steps.Add($"Set-CrmMigrationState -BuiltIn -Version {a.Version} -State RolledBack -Confirm:$false");
            if (others.All(x => BuiltInMigrations.RollbackKeepsData.Contains(x.Version)))
                steps.AddRange([others.Count == 0 ? "Undo-CrmMigration -BuiltIn -Confirm:$false" : $"Undo-CrmMigration -BuiltIn -Count {others.Count + 1} -Confirm:$false",
                                "Invoke-CrmMigration -BuiltIn -Confirm:$false"]);
            else
                steps.AddRange([$"Set-CrmMigrationState -BuiltIn -Version {version} -State RolledBack -Confirm:$false",
                                "Invoke-CrmMigration -BuiltIn -AllowOutOfOrder -Confirm:$false"]);
        }
        if (version == BuiltInMigrations.Scoring) steps.Add("Update-CrmLeadScore");
        return new BuiltInFix(why, Commands(connection, [.. steps]));
    }
}
