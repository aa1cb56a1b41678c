using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Customers whose segment now differs from their segment after a baseline run, streamed.</summary>
[ReadsOnly]
[Cmdlet(VerbsCommon.Get, "CrmLeadMovement")]
[OutputType(typeof(CrmLeadMovement))]
public sealed class GetCrmLeadMovement : CrmCmdlet
{
    /// <summary>A date (the last run as of then or earlier is the baseline) or a run (a CrmScoringResult of Get-CrmScoringHistory).</summary>
    [Parameter(Position = 0, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public object Since { get; set; } = null!;

    /// <summary>Only customers who were in these segments.</summary>
    [Parameter]
    public CrmSegment[]? From { get; set; }

    /// <summary>Only customers who are in these segments now.</summary>
    [Parameter]
    public CrmSegment[]? To { get; set; }

    protected override void ProcessCrmRecord()
    {
        var baseline = ToBaseline(Since);
        foreach (var m in LeadMovements.Movements(Database, baseline, From, To, StopToken))
            WriteObject(m);
    }

    internal static MovementBaseline ToBaseline(object value)
    {
        var v = value is PSObject ps ? ps.BaseObject : value;
        switch (v)
        {
            case CrmScoringResult run when run.StartedAt is { } started:
                return new MovementBaseline(run.AsOf, started);
            case CrmScoringResult run:
                return new MovementBaseline(run.AsOf);
            case DateTimeOffset d:
                return new MovementBaseline(d);
            case DateTime d:
                return new MovementBaseline(d.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : new DateTimeOffset(d));
            case Timestamp t:
                return new MovementBaseline(t.Value);
        }
        // A date without an offset ('2025-10-01') means UTC, as the scoring log's as-of instants are.
        if (v is string text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed))
            return new MovementBaseline(parsed);
        throw new CrmException("SinceNotADateOrRun", CrmErrorKind.InvalidArgument,
            $"-Since takes a date or a scoring run (Get-CrmScoringHistory), not '{v}'.", v);
    }
}
