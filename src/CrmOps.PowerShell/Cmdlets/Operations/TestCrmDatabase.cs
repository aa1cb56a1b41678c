using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>The seed's verification queries as checks.</summary>
[ReadsOnly]
[Cmdlet(VerbsDiagnostic.Test, "CrmDatabase")]
[OutputType(typeof(CrmCheckResult), typeof(bool))]
public sealed class TestCrmDatabase : CrmCmdlet
{
    /// <summary>Scores older than this fail ScoresCurrent (default 1 day; a number is seconds).</summary>
    [Parameter]
    [Seconds(0, 36600.0 * 86400, MinimumExclusive = true)]
    public TimeSpan MaxScoreAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A timeline refreshed longer ago than this fails TimelineFresh (default 1 day; a number is seconds).</summary>
    [Parameter]
    [Seconds(0, 36600.0 * 86400, MinimumExclusive = true)]
    public TimeSpan MaxRefreshAge { get; set; } = TimeSpan.FromDays(1);

    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxUnlinkedPercent { get; set; } = 1.0;

    /// <summary>The lowest advisory level that fails its check (default Warn: ERROR and WARN advisories fail, INFO ones are reported).</summary>
    [Parameter]
    public CrmAdvisoryLevel AdvisoryLevel { get; set; } = CrmAdvisoryLevel.Warn;

    /// <summary>The schemas Supabase's Data API serves, for the advisory checks.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExposedSchema { get; set; }

    /// <summary>Return only $true when every check passes, else $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessCrmRecord()
    {
        var results = DatabaseChecks.Run(Database, new DatabaseCheckOptions
        {
            MaxScoreAge = MaxScoreAge, MaxRefreshAge = MaxRefreshAge, MaxUnlinkedPercent = (decimal)MaxUnlinkedPercent,
            AdvisoryLevel = AdvisoryLevel, ExposedSchemas = ExposedSchema,
        }, CrmHost);
        if (Quiet) WriteObject(results.All(r => r.Passed));
        else WriteObject(results, enumerateCollection: true);
    }
}
