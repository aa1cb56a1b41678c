using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Segment sizes per day, week or month, from the scoring runs' log.</summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmLeadScoreTrend")]
[OutputType(typeof(CrmSegmentTrend))]
public sealed class GetCrmLeadScoreTrend : CrmCmdlet
{
    /// <summary>Runs as of this date or later (default: 90 days ago).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public object? Since { get; set; }

    [Parameter]
    public CrmTrendInterval Interval { get; set; } = CrmTrendInterval.Day;

    protected override void ProcessCrmRecord()
    {
        var since = Since is null ? DateTimeOffset.UtcNow.AddDays(-90) : GetCrmLeadMovement.ToBaseline(Since).Since;
        WriteObject(LeadMovements.Trend(Database, since, Interval), enumerateCollection: true);
    }
}
