using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmLeadScoreDistribution")]
[OutputType(typeof(CrmSegmentSummary))]
public sealed class GetCrmLeadScoreDistribution : CrmCmdlet
{
    protected override void ProcessCrmRecord() =>
        WriteObject(LeadReports.Distribution(Database), enumerateCollection: true);
}
