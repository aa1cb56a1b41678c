using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

[Cmdlet(VerbsLifecycle.Invoke, "CrmTimelineRefresh", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CrmRefreshResult))]
public sealed class InvokeCrmTimelineRefresh : CrmCmdlet
{
    /// <summary>Materialized views to refresh (schema-qualified or in public). Default: customer_activity_timeline.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("View")]
    [ArgumentCompleter(typeof(TableNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [TimelineRefresher.DefaultView];

    /// <summary>Require a concurrent refresh (fail if the view has no usable unique index); -Concurrently:$false forces a blocking one.</summary>
    [Parameter]
    public SwitchParameter Concurrently { get; set; }

    [Parameter]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    protected override void ProcessCrmRecord()
    {
        if (LockTimeout <= TimeSpan.Zero || LockTimeout > TimeSpan.FromHours(1))
            throw new Errors.CrmException("LockTimeoutOutOfRange", Errors.CrmErrorKind.InvalidArgument, "-LockTimeout must be more than 0 and at most 1 hour.");
        var options = new RefreshOptions
        {
            Concurrently = MyInvocation.BoundParameters.ContainsKey(nameof(Concurrently)) ? Concurrently.IsPresent : null,
            LockTimeout = LockTimeout,
        };
        foreach (var view in Name)
        {
            if (!ShouldProcess($"{view} on {Target}", "Refresh materialized view")) continue;
            WriteProgress(new ProgressRecord(1, "Invoke-CrmTimelineRefresh", $"Refreshing {view}") { PercentComplete = -1 });
            try
            {
                var result = TimelineRefresher.Refresh(Target, view, options, Verbose, StopToken);
                if (result.Status == "Skipped") WriteWarning($"{result.View}: {result.Message}");
                WriteObject(result);
            }
            catch (Errors.CrmException ex) { WriteCrmError(ex); }
            finally
            {
                WriteProgress(new ProgressRecord(1, "Invoke-CrmTimelineRefresh", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }
}
