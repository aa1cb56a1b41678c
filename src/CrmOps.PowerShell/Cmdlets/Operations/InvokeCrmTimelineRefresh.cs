using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Refreshes the activity timeline (or the named materialized views), concurrently when possible, logging each refresh.</summary>
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

    /// <summary>How long to wait for the view's lock (default 5 s); 0 is refused (it would mean "wait forever").</summary>
    [Parameter]
    [Seconds(0, 3600, MinimumExclusive = true)]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    protected override void ProcessCrmRecord()
    {
        var options = new RefreshOptions
        {
            Concurrently = MyInvocation.BoundParameters.ContainsKey(nameof(Concurrently)) ? Concurrently.IsPresent : null,
            LockTimeout = LockTimeout,
        };
        foreach (var view in Name)
        {
            try
            {
                if (TimelineRefresher.Refresh(Database, view, options, CrmHost) is { } result) WriteObject(result);
            }
            catch (Errors.CrmException ex) { WriteCrmError(ex); }
        }
    }
}
