using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;
using CrmOps.Sandbox;

namespace CrmOps.PowerShell.Cmdlets.Sandbox;

[Cmdlet(VerbsLifecycle.Stop, "CrmSandbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class StopCrmSandbox : CrmCmdletBase
{
    /// <summary>The sandbox to stop. Default: the session's current sandbox.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    public CrmSandbox? Sandbox { get; set; }

    /// <summary>Stop every sandbox this session started.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    protected override void ProcessCrmRecord()
    {
        var targets = All ? CrmSession.Sandboxes.ToArray()
            : Sandbox != null ? new[] { Sandbox }
            : CrmSession.Sandboxes.Where(s => ReferenceEquals(s.Connection, CrmSession.Default)).DefaultIfEmpty(CrmSession.Sandboxes.LastOrDefault()).Where(s => s != null).ToArray();
        if (targets.Length == 0)
        {
            CrmHost.WriteVerbose("No sandbox to stop.");
            return;
        }
        foreach (var sandbox in targets)
        {
            if (sandbox is null || !CrmHost.ShouldProcess($"sandbox on 127.0.0.1:{sandbox.Port} ({sandbox.DataDirectory})", "Stop the server and delete its folder")) continue;
            if (ReferenceEquals(CrmSession.Default, sandbox.Connection)) CrmSession.Default = null;
            SandboxBuilder.Stop(sandbox);
            CrmSession.Sandboxes.Remove(sandbox);
            CrmHost.WriteVerbose($"Stopped the sandbox on 127.0.0.1:{sandbox.Port} and deleted {sandbox.RootDirectory}.");
        }
    }
}
