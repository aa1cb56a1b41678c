namespace CrmOps;

/// <summary>How bad a lint finding is. Error: Invoke-CrmMigration refuses the migration unless the file allows the rule or -Force is given.</summary>
public enum CrmLintSeverity { Error, Warning, Info }

/// <summary>
/// One problem a migration statement would cause on the live database it is linted against. Output of
/// Test-CrmMigration -Lint, and part of Invoke-CrmMigration -WhatIf's plan (CrmMigrationResult.Findings).
/// </summary>
public sealed class CrmLintFinding
{
    /// <summary>The rule's name (squawk's names where squawk has the rule: require-concurrent-index-creation, ...).</summary>
    public string Rule { get; init; } = "";
    public CrmLintSeverity Severity { get; init; }
    public string Version { get; init; } = "";
    /// <summary>The migration's file name.</summary>
    public string File { get; init; } = "";
    /// <summary>The line the statement starts on.</summary>
    public int Line { get; init; }
    /// <summary>The statement's first line.</summary>
    public string Statement { get; init; } = "";
    /// <summary>The object the finding is about, schema-qualified (a column as schema.table.column).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The property name 'Object' is fixed by the public contract (commands.md).")]
    public string? Object { get; init; }
    /// <summary>Live estimate of the rows of the table the statement touches (as the planner estimates them), when it touches one.</summary>
    public long? Rows { get; init; }
    /// <summary>The strongest lock the statement takes on <see cref="Object"/>, as pg_locks names it (AccessExclusiveLock, ShareLock, ...).</summary>
    public string? Lock { get; init; }
    /// <summary>True when the statement rewrites the whole table (a new relfilenode), false when it does not, null when it does not apply.</summary>
    public bool? Rewrite { get; init; }
    public string Message { get; init; } = "";
    /// <summary>The safe recipe, written for this statement.</summary>
    public string Remediation { get; init; } = "";
    /// <summary>True when the file accepts the rule with <c>-- crmops:allow &lt;rule&gt; &lt;reason&gt;</c>.</summary>
    public bool Allowed { get; init; }
    /// <summary>The reason given in the allow directive.</summary>
    public string? AllowReason { get; init; }
    /// <summary>The migration file's full path.</summary>
    public string? Path { get; init; }
    public override string ToString() => $"{Severity} {Rule} {File}:{Line}";
}

/// <summary>An advisory's level, as Supabase's advisors (splinter) name them: ERROR, WARN, INFO.</summary>
public enum CrmAdvisoryLevel { Error, Warn, Info }

/// <summary>One finding of Get-CrmAdvisory: a splinter lint computed on the live database.</summary>
public sealed class CrmAdvisory
{
    /// <summary>splinter's lint name (rls_disabled_in_public, materialized_view_in_api, ...).</summary>
    public string Name { get; init; } = "";
    public CrmAdvisoryLevel Level { get; init; }
    /// <summary>SECURITY, PERFORMANCE.</summary>
    public string[] Categories { get; init; } = [];
    public string? Schema { get; init; }
    /// <summary>The table, view, function, index or extension the advisory is about.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The property name 'Object' is fixed by the public contract (commands.md).")]
    public string? Object { get; init; }
    public string Detail { get; init; } = "";
    /// <summary>What to do, and Supabase's page for the lint.</summary>
    public string Remediation { get; init; } = "";
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    /// <summary>splinter's cache key: a stable id of this finding (name_schema_object...).</summary>
    public string CacheKey { get; init; } = "";
    public override string ToString() => $"{Level} {Name} {Schema}.{Object}";
}
