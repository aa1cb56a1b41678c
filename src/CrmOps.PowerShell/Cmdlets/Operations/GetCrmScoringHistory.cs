using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Reads the log of scoring runs (Update-CrmLeadScore and scheduled runs), newest first.</summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmScoringHistory")]
[OutputType(typeof(CrmScoringResult))]
public sealed class GetCrmScoringHistory : CrmCmdlet
{
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Last { get; set; } = 20;

    /// <summary>Only runs started this way (Manual, Scheduled).</summary>
    [Parameter]
    public CrmRunTrigger? Trigger { get; set; }

    protected override void ProcessCrmRecord() =>
        WriteObject(LeadScorer.History(Database, Last, Trigger), enumerateCollection: true);
}
