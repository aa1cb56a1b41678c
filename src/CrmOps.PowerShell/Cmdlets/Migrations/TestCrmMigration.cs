using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Validates the set; -RoundTrip rehearses up, verify and down of each pending migration in a transaction that is always rolled back.</summary>
[Cmdlet(VerbsDiagnostic.Test, "CrmMigration", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CrmCheckResult))]
public sealed class TestCrmMigration : MigrationCmdlet
{
    [Parameter]
    public SwitchParameter RoundTrip { get; set; }

    [Parameter]
    [SecondsTransformation]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Parameter]
    public SwitchParameter AllowOutOfOrder { get; set; }

    protected override void ProcessCrmRecord()
    {
        var db = Target;
        var set = LoadSet();
        if (!RoundTrip)
        {
            foreach (var r in MigrationEngine.Validate(db, set)) WriteObject(r);
            return;
        }
        var options = new MigrationOptions
        {
            LockTimeout = LockTimeout, AllowOutOfOrder = AllowOutOfOrder, Verbose = Verbose,
            Progress = Progress($"Rehearsing migrations on {db}"), Cancel = StopToken,
        };
        foreach (var r in MigrationEngine.RoundTrip(db, set, options)) WriteObject(r);
    }
}
