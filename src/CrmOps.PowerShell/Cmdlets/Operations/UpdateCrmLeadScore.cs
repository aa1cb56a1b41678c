using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

[Cmdlet(VerbsData.Update, "CrmLeadScore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CrmScoringResult))]
public sealed class UpdateCrmLeadScore : CrmCmdlet
{
    private readonly List<Guid> _ids = new();

    /// <summary>Score only these customers (pipeline: CrmLead objects or anything with a CustomerId or Id).</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public Guid[]? CustomerId { get; set; }

    [Parameter]
    public DateTimeOffset? AsOf { get; set; }

    /// <summary>Recompute every customer even when a targeted run would do.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    [Parameter]
    [ValidateRange(100, 10_000_000)]
    public int BatchSize { get; set; } = 100_000;

    protected override void ProcessCrmRecord()
    {
        if (CustomerId != null) _ids.AddRange(CustomerId);
    }

    protected override void EndCrmProcessing()
    {
        if (MyInvocation.ExpectingInput && _ids.Count == 0)
        {
            WriteVerbose("No customer ids came down the pipeline: nothing to score.");
            return; // an empty pipeline must never mean "everyone"
        }
        var asOf = AsOf ?? DateTimeOffset.UtcNow;
        var scope = _ids.Count > 0 ? $"{_ids.Count:N0} customer(s)" : "all customers";
        var options = new ScoringOptions { AsOf = asOf, CustomerIds = _ids.Count > 0 ? _ids : null, Full = Full, BatchSize = BatchSize };
        if (!ShouldProcess($"{scope} in customer_profiles on {Target}", $"Recalculate lead scores as of {asOf:u}"))
        {
            if (MyInvocation.BoundParameters.ContainsKey("WhatIf"))
            {
                var plan = LeadScorer.Update(Target, new ScoringOptions { AsOf = asOf, CustomerIds = options.CustomerIds, WhatIf = true });
                Host.UI.WriteLine($"What if: {plan.Changed:N0} of {plan.Customers:N0} customers would change score as of {asOf:u}.");
                WriteObject(plan);
            }
            return;
        }
        WriteObject(LeadScorer.Update(Target, options, Progress("Update-CrmLeadScore"), Verbose, StopToken));
    }
}
