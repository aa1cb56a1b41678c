using System.Management.Automation;
using CrmOps.Catalog;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>
/// Lists tables, views and materialized views (functions, triggers, indexes and sequences with -Type, or by their exact
/// name).
/// </summary>
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
    [ArgumentCompleter(typeof(SchemaNameCompleter))]
    public string[]? Schema { get; set; }

    [Parameter]
    public CrmObjectType[]? Type { get; set; }

    protected override void ProcessCrmRecord()
    {
        var names = Name?.Select(n => NameAsTyped(nameof(Name), n)).ToArray();
        var schemas = Schema?.Select(n => NameAsTyped(nameof(Schema), n)).ToArray();
        var result = CrmCatalog.GetObjects(Database, names, schemas, Type, StopToken);
        CrmHost.WriteVerbose($"{result.Items.Count} objects in schema {string.Join(", ", Schema ?? [CrmCatalog.DefaultSchema])}.");
        foreach (var item in result.Items) WriteObject(item);
        foreach (var error in result.Errors) WriteCrmError(error);
    }
}
