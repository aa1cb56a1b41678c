using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;
using CrmOps.Scheduling;

namespace CrmOps.PowerShell.Cmdlets.Scheduling;

/// <summary>Removes pg_cron jobs that CrmOps registered (by name; pipe Get-CrmSchedule into it).</summary>
[Cmdlet(VerbsLifecycle.Unregister, "CrmSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CrmSchedule))]
public sealed class UnregisterCrmSchedule : CrmCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Also write the removed schedule to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessCrmRecord()
    {
        foreach (var name in Name)
        {
            try
            {
                if (Scheduler.Unregister(Database, name, CrmHost) is { } removed && PassThru) WriteObject(removed);
            }
            catch (Errors.CrmException ex) { WriteCrmError(ex); }
        }
    }
}
