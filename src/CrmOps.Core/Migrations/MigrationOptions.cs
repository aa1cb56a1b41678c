namespace CrmOps.Migrations;

/// <summary>How a migration run behaves. Everything the run reports goes through the caller's <see cref="Hosting.ICrmHost"/>.</summary>
public sealed class MigrationOptions
{
    /// <summary>lock_timeout for every statement of a migration (default 5 s): a migration never queues the workload behind itself.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long to wait for another run's advisory lock before failing (default 30 s).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(30);
    public bool AllowOutOfOrder { get; init; }
    /// <summary>Apply: up to and including this version. Undo: roll back every applied version newer than it (-Target).</summary>
    public string? TargetVersion { get; init; }
    /// <summary>Undo: how many applied migrations to roll back, newest first (default 1).</summary>
    public int Count { get; init; } = 1;
    /// <summary>Thresholds and exposed schemas of the lint that runs before an apply (and in its -WhatIf plan).</summary>
    public Lint.LintOptions Lint { get; init; } = new();
    /// <summary>Apply even when the lint finds an Error that the file does not allow (-Force); each is written as a warning.</summary>
    public bool IgnoreLintErrors { get; init; }
}
