using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Applies pending migrations in version order, one transaction each, under the migration lock; -WhatIf prints the plan.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "CrmMigration", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CrmMigrationResult))]
public sealed class InvokeCrmMigration : MigrationCmdlet
{
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
    public SwitchParameter AllowOutOfOrder { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessCrmRecord()
    {
        var set = LoadSet();
        var target = Target;
        var options = new MigrationOptions
        {
            Target = target, LockTimeout = LockTimeout, LockWait = LockWait, AllowOutOfOrder = AllowOutOfOrder,
            Verbose = Verbose, Progress = Progress($"Applying migrations to {Target_}"), Cancel = StopToken,
            ShouldProcess = (what, action) => Force || ShouldProcess(what, action),
        };
        if (IsWhatIf)
        {
            foreach (var r in MigrationEngine.Plan(Target_, set, options))
            {
                ShouldProcess($"{r.Version}_{r.Name} on {Target_}: {r.Statements} statement(s){(r.Tables.Length > 0 ? ", touches " + string.Join(", ", r.Tables) : "")}", "Apply migration");
                foreach (var w in r.Warnings) WriteWarning(w);
                if (r.Status == "Refused") WriteCrmError(new Errors.CrmException("MigrationRequirementFailed", Errors.CrmErrorKind.InvalidData, r.Message ?? "", r.Version));
                WriteObject(r);
            }
            return;
        }
        MigrationEngine.Invoke(Target_, set, options, WriteObject);
    }

    private CrmConnection Target_ => base.Target;
}
