using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>Shared by the cmdlets about one table or view: -Table (tab-completed from the database) and -Schema.</summary>
public abstract class TableCmdlet : CrmCmdlet
{
    /// <summary>The table, view or materialized view, schema-qualified or in -Schema (default public).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string Table { get; set; } = "";

    /// <summary>The schema of -Table when it is not schema-qualified (default public).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Schema { get; set; }
}
