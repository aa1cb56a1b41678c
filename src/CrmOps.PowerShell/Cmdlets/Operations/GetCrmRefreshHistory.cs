using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmRefreshHistory")]
[OutputType(typeof(CrmRefreshResult))]
public sealed class GetCrmRefreshHistory : CrmCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("View")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string? Name { get; set; }

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int Last { get; set; } = 20;

    /// <summary>Only refreshes started this way (Manual, Scheduled).</summary>
    [Parameter]
    public CrmRunTrigger? Trigger { get; set; }

    protected override void ProcessCrmRecord() =>
        WriteObject(TimelineRefresher.History(Database, Name, Last, Trigger), enumerateCollection: true);
}
