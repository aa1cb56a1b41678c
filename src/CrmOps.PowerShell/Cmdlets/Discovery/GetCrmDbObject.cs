using System.Management.Automation;
using CrmOps.Catalog;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>Lists tables, views, materialized views, functions, triggers, indexes and sequences.</summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmDbObject")]
[OutputType(typeof(CrmDbObject))]
public sealed class GetCrmDbObject : CrmCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Schema { get; set; }

    [Parameter]
    public CrmObjectType[]? Type { get; set; }

    protected override void ProcessCrmRecord()
    {
        var result = CrmCatalog.GetObjects(Database, Name, Schema, Type, StopToken);
        CrmHost.WriteVerbose($"{result.Items.Count} objects in schema {string.Join(", ", Schema ?? [CrmCatalog.DefaultSchema])}.");
        foreach (var item in result.Items) WriteObject(item);
        foreach (var error in result.Errors) WriteCrmError(error);
    }
}
