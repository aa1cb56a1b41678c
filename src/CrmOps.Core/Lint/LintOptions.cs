namespace CrmOps.Lint;

/// <summary>How the lint scales severities and which schemas it treats as served by Supabase's Data API.</summary>
public sealed class LintOptions
{
    /// <summary>A table with at least this many rows (live estimate) turns a size-dependent finding from Info into a Warning. Default 100,000.</summary>
    public long WarningRows { get; init; } = 100_000;
    /// <summary>A table with at least this many rows turns a size-dependent finding into an Error (Invoke-CrmMigration refuses it). Default 1,000,000.</summary>
    public long ErrorRows { get; init; } = 1_000_000;
    /// <summary>The schemas PostgREST serves. Null: the database's pgrst.db_schemas setting when it has one, else public.</summary>
    public IReadOnlyList<string>? ExposedSchemas { get; init; }
    /// <summary>
    /// Rules a project turns off for every migration, as squawk's excluded_rules: by default the comma-separated names in
    /// the environment variable CRMOPS_LINT_EXCLUDE. Their findings are not reported, so they never refuse a run. Prefer
    /// '-- crmops:allow &lt;rule&gt; &lt;reason&gt;' in the one file that needs it; an unknown name is refused.
    /// </summary>
    public IReadOnlyCollection<string> ExcludedRules { get; init; } = FromEnvironment();

    /// <summary>The environment variable that names rules excluded for every migration.</summary>
    public const string ExcludeVariable = "CRMOPS_LINT_EXCLUDE";

    private static string[] FromEnvironment() =>
        (Environment.GetEnvironmentVariable(ExcludeVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>The rules' names (squawk's names where squawk has the rule), for the allow directive and the docs.</summary>
public static class LintRules
{
    public const string RequireConcurrentIndex = "require-concurrent-index-creation";
    public const string ConcurrentInTransaction = "ban-concurrent-index-creation-in-transaction";
    public const string ChangingColumnType = "changing-column-type";
    public const string AddingFieldWithDefault = "adding-field-with-default";
    public const string AddingNotNullableField = "adding-not-nullable-field";
    public const string SettingNotNull = "setting-not-null";
    public const string ConstraintMissingNotValid = "constraint-missing-not-valid";
    public const string DropWithDependents = "drop-with-dependents";
    public const string BanDropColumn = "ban-drop-column";
    public const string BanDropTable = "ban-drop-table";
    public const string RenamingColumn = "renaming-column";
    public const string RenamingTable = "renaming-table";
    public const string RefreshNotConcurrent = "refresh-not-concurrent";
    public const string MaterializedViewInApi = "materialized-view-in-api";
    public const string TableWithoutRls = "table-without-rls";
    public const string FunctionSearchPathMutable = "function-search-path-mutable";
    public const string MissingRowGuard = "missing-row-guard";

    public static readonly IReadOnlyList<string> Names =
    [
        RequireConcurrentIndex, ConcurrentInTransaction, ChangingColumnType, AddingFieldWithDefault, AddingNotNullableField,
        SettingNotNull, ConstraintMissingNotValid, DropWithDependents, BanDropColumn, BanDropTable, RenamingColumn,
        RenamingTable, RefreshNotConcurrent, MaterializedViewInApi, TableWithoutRls, FunctionSearchPathMutable, MissingRowGuard,
    ];
}
