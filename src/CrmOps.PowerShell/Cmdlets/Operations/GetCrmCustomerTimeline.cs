using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmCustomerTimeline")]
[OutputType(typeof(CrmActivity))]
public sealed class GetCrmCustomerTimeline : CrmCmdlet
{
    /// <summary>Customers whose activity to show; takes CrmLead objects (CustomerId) from the pipeline.</summary>
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public Guid[] CustomerId { get; set; } = [];

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int? Last { get; set; }

    protected override void ProcessCrmRecord()
    {
        foreach (var id in CustomerId)
            foreach (var activity in LeadReports.Timeline(Database, id, Last, StopToken))
                WriteObject(activity);
    }
}
