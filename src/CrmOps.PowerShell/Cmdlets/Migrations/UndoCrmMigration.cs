using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Runs rollbacks newest first (-Count, default 1, or every version newer than -Target), each in a transaction with its history row.</summary>
[Cmdlet(VerbsCommon.Undo, "CrmMigration", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CrmMigrationResult))]
public sealed class UndoCrmMigration : MigrationCmdlet
{
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    [Parameter]
    [ValidatePattern(@"^\d{14}$")]
    public new string? Target { get; set; }

    [Parameter]
    [SecondsTransformation]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Parameter]
    [SecondsTransformation]
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(30);

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessCrmRecord()
    {
        var db = base.Target;
        var set = LoadSet();
        var options = new MigrationOptions
        {
            Target = Target, Count = Count, LockTimeout = LockTimeout, LockWait = LockWait,
            Verbose = Verbose, Progress = Progress($"Rolling back migrations on {db}"), Cancel = StopToken,
            ShouldProcess = (what, action) => Force || ShouldProcess(what, action),
        };
        if (IsWhatIf)
        {
            foreach (var r in MigrationEngine.PlanUndo(db, set, options))
            {
                ShouldProcess($"{r.Version}_{r.Name} on {db}: {r.Statements} rollback statement(s){(r.Tables.Length > 0 ? ", touches " + string.Join(", ", r.Tables) : "")}", "Roll back migration");
                foreach (var w in r.Warnings) WriteWarning(w);
                WriteObject(r);
            }
            return;
        }
        MigrationEngine.Undo(db, set, options, WriteObject);
    }
}
