namespace CrmOps;

/// <summary>
/// A migration's state. Incomplete: a run without a transaction (crmops:no-transaction) started it and did not finish
/// (failed, stopped, or its process was killed): some of its statements may be applied. Settle it with
/// Set-CrmMigrationState once you know what it did. Conflict: CrmOps' history and Supabase's ledger disagree (or the same SQL is in the ledger under
/// another version), so no command guesses: Set-CrmMigrationState settles it. Adopted: a built-in migration that the
/// project's own folder took over (New-CrmMigration -FromBuiltIn).
/// </summary>
public enum CrmMigrationState { Pending, Applied, Modified, Missing, RolledBack, Incomplete, Conflict, Adopted }

/// <summary>Which set a migration belongs to: the module's built-in set (-BuiltIn) or a project folder (-Path). Each is judged on its own.</summary>
public enum CrmMigrationSetKind { Project, BuiltIn }

/// <summary>What CrmOps' own history says about a version.</summary>
public enum CrmHistoryState { None, Applied, RolledBack }

/// <summary>What Supabase's ledger (supabase_migrations.schema_migrations) says about a version; NotUsed for the built-in set, -Ledger None, or no ledger.</summary>
public enum CrmLedgerState { NotUsed, Absent, Present }
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
    /// <summary>The set this migration belongs to.</summary>
    public CrmMigrationSetKind Set { get; init; }
    /// <summary>What CrmOps' history says (Applied, RolledBack, or None: never recorded by CrmOps).</summary>
    public CrmHistoryState History { get; init; }
    /// <summary>What Supabase's ledger says (Present, Absent, or NotUsed).</summary>
    public CrmLedgerState Ledger { get; init; }
    /// <summary>Another version under which the ledger holds the same SQL (a dashboard or MCP "apply migration"), or null.</summary>
    public string? SameSqlAs { get; init; }
    /// <summary>Adopted: the project's version that took this built-in migration over.</summary>
    public string? AdoptedAs { get; init; }
    /// <summary>Conflict (and Missing): which side says what, in one sentence.</summary>
    public string? Disagreement { get; init; }
    /// <summary>Conflict (and Missing): the Set-CrmMigrationState calls that settle it, one per direction.</summary>
    public string[] Resolution { get; init; } = [];
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
    /// <summary>The lint findings of the migration's statements on this database (with -WhatIf, and when a run refuses one).</summary>
    public CrmLintFinding[] Findings { get; init; } = [];
    public override string ToString() => $"{Version}_{Name} {Direction} {Status}";
}
