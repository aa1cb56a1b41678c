using System.Management.Automation;
using CrmOps.Catalog;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>
/// Row counts: catalog estimates by default (one round trip, IsExact false, Rows null when never
/// analyzed), count(*) per table with -Exact. Piped names are collected and resolved together.
/// </summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmRowCount")]
[OutputType(typeof(CrmRowCount))]
public sealed class GetCrmRowCount : CrmCmdlet
{
    private readonly List<CrmCatalog.RelationRequest> _requests = [];

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    public string[]? Table { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Schema { get; set; }

    [Parameter]
    public SwitchParameter Exact { get; set; }

    /// <summary>
    /// Binds CrmDbObject.Type from the pipeline so that objects without rows (indexes, sequences,
    /// functions, triggers) piped from Get-CrmDbObject are skipped instead of reported as not found.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    public string? Type { get; set; }

    private static readonly HashSet<string> Countable = new(StringComparer.OrdinalIgnoreCase)
    {
        "Table", "PartitionedTable", "View", "MaterializedView", "ForeignTable",
    };

    protected override void ProcessCrmRecord()
    {
        if (!string.IsNullOrEmpty(Type) && !Countable.Contains(Type))
        {
            CrmHost.WriteVerbose($"Skipped {string.Join(", ", Table ?? [])}: a {Type} has no rows to count.");
            return;
        }
        string?[] schemas = Schema is { Length: > 0 } ? [.. Schema] : [null];
        var tables = Table is { Length: > 0 } ? Table : ["*"];
        foreach (var s in schemas)
            foreach (var t in tables)
            {
                if (string.IsNullOrEmpty(t)) continue;
                var (qs, qn) = CrmCatalog.ResolveName(t, s);
                _requests.Add(new CrmCatalog.RelationRequest(qs, qn));
            }
    }

    protected override void EndCrmProcessing()
    {
        if (_requests.Count == 0) return;
        var estimates = CrmCatalog.GetRowEstimates(Database, _requests, StopToken);
        foreach (var error in estimates.Errors) WriteCrmError(error);
        if (!Exact)
        {
            foreach (var item in estimates.Items) WriteObject(item);
            return;
        }
        var items = estimates.Items.DistinctBy(i => (i.Schema, i.Table)).ToList();
        foreach (var counted in CrmCatalog.CountExact(Database, items, CrmHost)) WriteObject(counted);
    }
}
