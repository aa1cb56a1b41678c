using System.Management.Automation;
using CrmOps.Catalog;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>Columns of a table, view or materialized view: types, defaults, nullability, keys.</summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmColumn")]
[OutputType(typeof(CrmColumn))]
public sealed class GetCrmColumn : TableCmdlet
{
    protected override void ProcessCrmRecord() =>
        WriteObject(CrmCatalog.GetColumns(Database, Table, Schema, StopToken), enumerateCollection: true);
}
