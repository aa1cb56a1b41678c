using CrmOps.Errors;

namespace CrmOps.Migrations;

/// <summary>How a migration run behaves. Everything the run reports goes through the caller's <see cref="Hosting.ICrmHost"/>.</summary>
public sealed class MigrationOptions
{
    private readonly TimeSpan lockTimeout = TimeSpan.FromSeconds(5);
    private readonly TimeSpan lockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// lock_timeout for every statement of a migration (default 5 s): a migration never queues the workload behind itself.
    /// It holds for the whole migration whatever the file sets (re-applied after each statement). More than 0 and at most
    /// an hour: 0 means "no timeout" to PostgreSQL, so it is refused here for every host, not only by the cmdlets.
    /// </summary>
    public TimeSpan LockTimeout
    {
        get => lockTimeout;
        init
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1) || (long)value.TotalMilliseconds < 1)
                throw new CrmException("MigrationLockTimeoutInvalid", CrmErrorKind.InvalidArgument,
                    $"-LockTimeout {value.TotalSeconds:0.###} s is out of range: it must be at least 1 ms and at most 3600 s (0 would mean no limit at all to PostgreSQL).", value);
            lockTimeout = value;
        }
    }

    /// <summary>How long to wait for another run's advisory lock before failing (default 30 s; 0: do not wait).</summary>
    public TimeSpan LockWait
    {
        get => lockWait;
        init
        {
            if (value < TimeSpan.Zero || value > TimeSpan.FromHours(1))
                throw new CrmException("MigrationLockWaitInvalid", CrmErrorKind.InvalidArgument,
                    $"-LockWait {value.TotalSeconds:0.###} s is out of range: it must be at least 0 s and at most 3600 s.", value);
            lockWait = value;
        }
    }

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
