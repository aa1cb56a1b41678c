using System.Management.Automation;
using CrmOps.Migrations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Validates the set; -RoundTrip rehearses up, verify and down of each pending migration in a transaction that is always rolled back.</summary>
[Cmdlet(VerbsDiagnostic.Test, "CrmMigration", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CrmCheckResult))]
public sealed class TestCrmMigration : MigrationCmdlet
{
    [Parameter]
    public SwitchParameter RoundTrip { get; set; }

    /// <summary>lock_timeout for the rehearsed statements (default 5 s).</summary>
    [Parameter]
    [Seconds(0, 3600, MinimumExclusive = true)]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Parameter]
    public SwitchParameter AllowOutOfOrder { get; set; }

    protected override void ProcessCrmRecord()
    {
        var set = LoadSet();
        var results = RoundTrip
            ? MigrationRehearsal.RoundTrip(Database, set, new MigrationOptions { LockTimeout = LockTimeout, AllowOutOfOrder = AllowOutOfOrder }, CrmHost)
            : MigrationValidator.Validate(Database, set);
        WriteObject(results, enumerateCollection: true);
    }
}
