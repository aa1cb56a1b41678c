using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Recalculates RFM lead scores set-based, as of an instant, writing only rows whose scores change.</summary>
[Cmdlet(VerbsData.Update, "CrmLeadScore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CrmScoringResult))]
public sealed class UpdateCrmLeadScore : CrmCmdlet
{
    private readonly List<Guid> _ids = [];

    /// <summary>Score only these customers (pipeline: CrmLead objects or anything with a CustomerId or Id).</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public Guid[]? CustomerId { get; set; }

    /// <summary>The instant the scores describe. Default: the database's reference date (a sandbox's) when it has one, else now.</summary>
    [Parameter]
    public DateTimeOffset? AsOf { get; set; }

    /// <summary>Recompute every customer even when a targeted run would do.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    [Parameter]
    [ValidateRange(100, 10_000_000)]
    public int BatchSize { get; set; } = 100_000;

    /// <summary>How long a batch waits for a lock (default 30 s) before the run gives up, naming the session that holds it.</summary>
    [Parameter]
    [Seconds(0, 3600, MinimumExclusive = true)]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Days of recorded score changes to keep (supabase_migrations.crmops_score_changes); older ones are pruned by the run.</summary>
    [Parameter]
    [ValidateRange(1, 36_500)]
    public int KeepDays { get; set; } = 400;

    protected override void ProcessCrmRecord()
    {
        if (CustomerId != null) _ids.AddRange(CustomerId);
    }

    protected override void EndCrmProcessing()
    {
        if (MyInvocation.ExpectingInput && _ids.Count == 0)
        {
            CrmHost.WriteVerbose("No customer ids came down the pipeline: nothing to score.");
            return; // an empty pipeline must never mean "everyone"
        }
        var options = new ScoringOptions
        {
            AsOf = AsOf, CustomerIds = _ids.Count > 0 ? _ids : null, Full = Full, BatchSize = BatchSize, LockTimeout = LockTimeout, KeepDays = KeepDays,
        };
        if (LeadScorer.Update(Database, options, CrmHost) is { } result) WriteObject(result);
    }
}
