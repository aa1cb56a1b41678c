using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

[Cmdlet(VerbsCommon.Get, "CrmLeadSegment")]
[OutputType(typeof(CrmLead))]
public sealed class GetCrmLeadSegment : CrmCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public CrmSegment[]? Segment { get; set; }

    [Parameter]
    [ValidateRange(6, 30)]
    public int? MinScore { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    protected override void ProcessCrmRecord()
    {
        // Streamed: each row goes down the pipeline as it arrives; nothing is buffered.
        foreach (var lead in LeadReports.Leads(Target, Segment, MinScore, Top, StopToken))
            WriteObject(lead);
    }
}
