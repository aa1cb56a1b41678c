using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

[Cmdlet(VerbsDiagnostic.Test, "CrmDatabase")]
[OutputType(typeof(CrmCheckResult), typeof(bool))]
public sealed class TestCrmDatabase : CrmCmdlet
{
    [Parameter]
    public TimeSpan MaxScoreAge { get; set; } = TimeSpan.FromDays(1);

    [Parameter]
    public TimeSpan MaxRefreshAge { get; set; } = TimeSpan.FromDays(1);

    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxUnlinkedPercent { get; set; } = 1.0;

    /// <summary>Return only $true when every check passes, else $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessCrmRecord()
    {
        var results = DatabaseChecks.Run(Target, new DatabaseCheckOptions
        {
            MaxScoreAge = MaxScoreAge, MaxRefreshAge = MaxRefreshAge, MaxUnlinkedPercent = (decimal)MaxUnlinkedPercent,
        });
        if (Quiet) WriteObject(results.All(r => r.Passed));
        else WriteObject(results, enumerateCollection: true);
    }
}
