using System.Management.Automation;
using CrmOps.Catalog;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>What an object is built from (Upstream) or what is built on it (Downstream), transitively.</summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmDependency")]
[OutputType(typeof(CrmDependency))]
public sealed class GetCrmDependency : CrmCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Table")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Name { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Schema { get; set; }

    // A string, not the Core enum: a value-type field from CrmOps.Core would make this type load
    // CrmOps.Core before the module's isolated load context is in place.
    [Parameter]
    [ValidateSet("Upstream", "Downstream")]
    public string Direction { get; set; } = "Upstream";

    protected override void ProcessCrmRecord()
    {
        foreach (var edge in CrmCatalog.GetDependencies(Database, Name, Schema, Direction, StopToken)) WriteObject(edge);
    }
}
