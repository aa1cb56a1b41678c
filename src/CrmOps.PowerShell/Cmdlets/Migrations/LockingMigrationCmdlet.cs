using System.Management.Automation;
using CrmOps.Migrations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Shared by the migration cmdlets that change the database: -LockTimeout, -LockWait and -Force.</summary>
public abstract class LockingMigrationCmdlet : MigrationCmdlet
{
    /// <summary>lock_timeout for every statement (default 5 s); 0 is refused (it would mean "wait forever").</summary>
    [Parameter]
    [Seconds(0, 3600, MinimumExclusive = true)]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for another migration run's lock (default 30 s; 0: do not wait).</summary>
    [Parameter]
    [Seconds(0, 3600)]
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Do not ask for confirmation (-WhatIf still changes nothing); Invoke-CrmMigration: apply despite lint Errors.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected internal override bool SkipConfirmation => Force;

    /// <summary>The run's options from the shared parameters and the cmdlet's own.</summary>
    protected MigrationOptions Options(string? targetVersion = null, int count = 1, bool allowOutOfOrder = false) => new()
    {
        LockTimeout = LockTimeout, LockWait = LockWait, TargetVersion = targetVersion, Count = count, AllowOutOfOrder = allowOutOfOrder,
        IgnoreLintErrors = Force,
    };
}
