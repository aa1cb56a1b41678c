namespace CrmOps;

/// <summary>
/// A migration's state. Incomplete: a run without a transaction (crmops:no-transaction) started it and did not finish
/// (failed, stopped, or its process was killed): some of its statements may be applied. Settle it with
/// Set-CrmMigrationState once you know what it did.
/// </summary>
public enum CrmMigrationState { Pending, Applied, Modified, Missing, RolledBack, Incomplete }
public enum CrmMigrationDirection { Up, Down }

/// <summary>What became of one migration in a run (or, with -WhatIf, what would).</summary>
public enum CrmMigrationStatus { Applied, RolledBack, Planned, Refused, Failed, Skipped }

/// <summary>A migration file joined with the database's history. Output of Get-CrmMigration and New-CrmMigration.</summary>
public sealed class CrmMigration
{
    public string Version { get; init; } = "";
    public string Name { get; init; } = "";
    public CrmMigrationState State { get; init; }
    public DateTimeOffset? AppliedAt { get; init; }
    public string? AppliedBy { get; init; }
    public string? Checksum { get; init; }
    public bool HasRollback { get; init; }
    public bool HasVerify { get; init; }
    public bool Transactional { get; init; } = true;
    public string[] Requirements { get; init; } = [];
    public string? Path { get; init; }
    public string? RollbackPath { get; init; }
    public string? VerifyPath { get; init; }
    /// <summary>Why the state needs attention (Incomplete: when the run started, how it ended, how to settle it); null otherwise.</summary>
    public string? Message { get; init; }
    public string FileName => $"{Version}_{Name}.sql";
    public override string ToString() => $"{Version}_{Name} ({State})";
}

/// <summary>What a migration run did (or, with -WhatIf, would do). Output of Invoke-/Undo-CrmMigration.</summary>
public sealed class CrmMigrationResult
{
    public string Version { get; init; } = "";
    public string Name { get; init; } = "";
    public CrmMigrationDirection Direction { get; init; }
    public CrmMigrationStatus Status { get; init; }
    public TimeSpan Duration { get; init; }
    public int Statements { get; init; }
    /// <summary>Existing tables the migration touches, with their exact row counts ("public.customers (3 rows)").</summary>
    public string[] Tables { get; init; } = [];
    public string? Message { get; init; }
    public string[] StatementText { get; init; } = [];
    public string[] Warnings { get; init; } = [];
    public override string ToString() => $"{Version}_{Name} {Direction} {Status}";
}
