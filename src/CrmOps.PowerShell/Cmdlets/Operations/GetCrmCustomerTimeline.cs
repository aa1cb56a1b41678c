using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>
/// A customer's activity, newest first, found by id (CrmLead objects from the pipeline), by email (any of the customer's,
/// any case) or by name (wildcards). Each customer's rows come together, labelled with the customer; a customer asked
/// for twice is shown once.
/// </summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmCustomerTimeline", DefaultParameterSetName = IdSet)]
[OutputType(typeof(CrmActivity))]
public sealed class GetCrmCustomerTimeline : CrmCmdlet
{
    private const string IdSet = "Id";
    private const string EmailSet = "Email";
    private const string NameSet = "Name";
    private readonly HashSet<Guid> _shown = [];

    /// <summary>Customers whose activity to show; takes CrmLead objects (CustomerId) from the pipeline.</summary>
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
    [Alias("Id")]
    public Guid[] CustomerId { get; set; } = [];

    /// <summary>Emails of the customers (any of a customer's emails; case and surrounding spaces do not matter).</summary>
    [Parameter(Position = 0, Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = EmailSet)]
    [ValidateNotNullOrEmpty]
    public string[] Email { get; set; } = [];

    /// <summary>Names of the customers (canonical_full_name, any case; wildcards: 'Olivia M*').</summary>
    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int? Last { get; set; }

    protected override void ProcessCrmRecord()
    {
        switch (ParameterSetName)
        {
            case EmailSet:
                foreach (var value in Email)
                {
                    // A positional id binds here too (a string needs no conversion): take it as the id it is.
                    if (Guid.TryParse(value, out var id)) Show(id, null);
                    else if (!value.Contains('@'))
                        WriteCrmError(new CrmException("CustomerEmailInvalid", CrmErrorKind.InvalidArgument,
                            $"'{value}' is neither an email nor a customer id. For a customer's name use -Name '{value}'.", value)
                        { RecommendedAction = $"Get-CrmCustomerTimeline -Name '{value.Replace("'", "''", StringComparison.Ordinal)}'" });
                    else Try(() => { var (found, name) = LeadReports.CustomerByEmail(Database, value); Show(found, $"{name} ({value.Trim()})"); });
                }
                break;
            case NameSet:
                foreach (var value in Name)
                    Try(() => { foreach (var (found, name) in LeadReports.CustomersByName(Database, value)) Show(found, name); });
                break;
            default:
                foreach (var id in CustomerId) Show(id, null);
                break;
        }
    }

    private void Try(Action action)
    {
        try { action(); }
        catch (CrmException ex) when (ex.Kind is not (CrmErrorKind.ConnectionError or CrmErrorKind.OperationStopped)) { WriteCrmError(ex); }
    }

    private void Show(Guid id, string? who)
    {
        if (!_shown.Add(id)) return;
        var rows = 0;
        foreach (var activity in LeadReports.Timeline(Database, id, Last, LeadReports.CustomerLabel(Database, id), StopToken))
        {
            rows++;
            WriteObject(activity);
        }
        if (rows == 0) CrmHost.WriteInformation($"{who ?? id.ToString()} has no activity on the timeline.");
    }
}
