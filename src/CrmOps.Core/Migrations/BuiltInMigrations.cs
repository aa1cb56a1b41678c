namespace CrmOps.Migrations;

/// <summary>The migration set that ships with the module (the seed's two corrected migrations).</summary>
public static class BuiltInMigrations
{
    /// <summary>20250115100000_create_customer_activity_timeline_correct: the activity timeline.</summary>
    public const string Timeline = "20250115100000";

    /// <summary>20250115100001_create_lead_scoring_correct: lead scoring (columns, rules function, triggers).</summary>
    public const string Scoring = "20250115100001";

    /// <summary>
    /// The built-in migrations that change objects of earlier ones rather than create objects of their own
    /// (20250115100010_secure_builtin_objects: grants and RLS on the timeline and the scoring objects). A restore of a
    /// dropped built-in marks these rolled back so that they run again on the restored objects; every other later
    /// migration (its own objects, such as the crmops.* functions) stays applied. A new built-in that amends an earlier
    /// one's objects is added here; its file must be safe to run again over objects that already carry it.
    /// </summary>
    public static readonly IReadOnlySet<string> Amending = new HashSet<string>(StringComparer.Ordinal) { "20250115100010" };

    /// <summary>
    /// The built-in migrations whose rollback loses no data (they make functions; their log tables are kept by the
    /// rollback): 20261126150030 (the crmops.* SQL tasks) and 20261126174000 (score changes). A restore of an earlier
    /// dropped built-in may roll these back and apply them again, so that the dropped one's own rollback clears what is
    /// left of it before it runs again. Add a new built-in here only when its rollback drops no table or column.
    /// </summary>
    public static readonly IReadOnlySet<string> RollbackKeepsData = new HashSet<string>(StringComparer.Ordinal) { "20261126150030", "20261126174000" };

    /// <summary>The folder that holds the set's migrations/; the PowerShell module sets it when it is imported.</summary>
    public static string? Root { get; set; }

    /// <summary>The set, or null when no host said where it is.</summary>
    public static MigrationSet? TryLoad()
    {
        if (Root is not { } root || !Directory.Exists(Path.Combine(root, "migrations"))) return null;
        try { return MigrationSet.Load(root, CrmMigrationSetKind.BuiltIn); }
        catch (Errors.CrmException) { return null; }
    }
}
