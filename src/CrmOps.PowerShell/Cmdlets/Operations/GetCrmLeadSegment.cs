using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Customers in the segments, best first, streamed.</summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmLeadSegment")]
[OutputType(typeof(CrmLead))]
public sealed class GetCrmLeadSegment : LeadFilterCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public CrmSegment[]? Segment { get; set; }

    protected override void ProcessCrmRecord()
    {
        // Streamed: each row goes down the pipeline as it arrives; nothing is buffered.
        foreach (var lead in LeadReports.Leads(Database, Segment, MinScore, Top, StopToken))
            WriteObject(lead);
    }
}
