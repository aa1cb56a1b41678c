namespace CrmOps;

public enum CrmObjectType { Table, PartitionedTable, View, MaterializedView, Function, Procedure, Trigger, Index, Sequence, ForeignTable }

/// <summary>A database object. Output of Get-CrmDbObject; pipes into Get-CrmRowCount and Get-CrmColumn by Schema/Name.</summary>
public sealed class CrmDbObject
{
    public string Schema { get; init; } = "";
    public string Name { get; init; } = "";
    public CrmObjectType Type { get; init; }
    /// <summary>The planner's estimate; null when the table was never analyzed (unknown, not 0).</summary>
    public long? EstimatedRows { get; init; }
    public long? SizeBytes { get; init; }
    public string Owner { get; init; } = "";
    public string? Description { get; init; }
    /// <summary>For indexes and triggers: the table they belong to. For functions: the argument list.</summary>
    public string? Parent { get; init; }
    public string? Definition { get; init; }
    public string FullName => $"{Schema}.{Name}";
    public override string ToString() => FullName;
}

/// <summary>A column. Output of Get-CrmColumn.</summary>
public sealed class CrmColumn
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public string Name { get; init; } = "";
    public int Position { get; init; }
    public string DataType { get; init; } = "";
    public bool IsNullable { get; init; }
    public string? Default { get; init; }
    public bool IsPrimaryKey { get; init; }
    /// <summary>Foreign-key target as schema.table(column), or null.</summary>
    public string? References { get; init; }
    public string? Description { get; init; }
    public bool IsIdentity { get; init; }
    /// <summary>For identity columns: ALWAYS or BY DEFAULT.</summary>
    public string? Identity { get; init; }
    /// <summary>A stored generated column (Default then holds its expression).</summary>
    public bool IsGenerated { get; init; }
    public override string ToString() => $"{Table}.{Name} {DataType}";
}

public enum CrmDependencyDirection { Upstream, Downstream }

/// <summary>One edge of a dependency chain. Output of Get-CrmDependency.</summary>
public sealed class CrmDependency
{
    public string Name { get; init; } = "";
    public string Type { get; init; } = "";
    public string DependsOn { get; init; } = "";
    public string DependsOnType { get; init; } = "";
    public int Depth { get; init; }
    public string Schema { get; init; } = "";
    public string DependsOnSchema { get; init; } = "";
    public CrmDependencyDirection Direction { get; init; }
    public override string ToString() => $"{Name} -> {DependsOn}";
}

/// <summary>A row count, exact or estimated. Output of Get-CrmRowCount.</summary>
public sealed class CrmRowCount
{
    public string Schema { get; init; } = "";
    public string Table { get; init; } = "";
    public CrmObjectType Type { get; init; }
    /// <summary>Rows; null when only an estimate was asked and the table was never analyzed.</summary>
    public long? Rows { get; init; }
    public bool IsExact { get; init; }
    public TimeSpan? Duration { get; init; }
    public override string ToString() => $"{Schema}.{Table}: {(Rows?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown")}{(IsExact ? "" : " (estimate)")}";
}

/// <summary>The result of a check a Pester test can assert on (Passed). Output of the Test-* commands.</summary>
public sealed class CrmCheckResult
{
    public string Check { get; init; } = "";
    public string Target { get; init; } = "";
    public string? Expected { get; init; }
    public string? Actual { get; init; }
    public bool Passed { get; init; }
    /// <summary>The check could not run here (its Message says why); it counts as passed.</summary>
    public bool Skipped { get; init; }
    public string Message { get; init; } = "";
    public override string ToString() => $"[{(Skipped ? "SKIP" : Passed ? "PASS" : "FAIL")}] {Check} {Target}: {Message}";
}
