using System.Management.Automation;
using CrmOps.Catalog;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>Columns of a table, view or materialized view: types, defaults, nullability, keys.</summary>
[Cmdlet(VerbsCommon.Get, "CrmColumn")]
[OutputType(typeof(CrmColumn))]
public sealed class GetCrmColumn : CrmCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Schema { get; set; }

    protected override void ProcessCrmRecord()
    {
        foreach (var column in CrmCatalog.GetColumns(Target, Table, Schema, StopToken)) WriteObject(column);
    }
}
