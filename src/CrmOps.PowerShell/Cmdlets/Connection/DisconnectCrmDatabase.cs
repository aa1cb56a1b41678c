using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Connection;

[Cmdlet(VerbsCommunications.Disconnect, "CrmDatabase")]
[OutputType(typeof(void))]
public sealed class DisconnectCrmDatabase : PSCmdlet
{
    protected override void ProcessRecord()
    {
        if (CrmSession.Default is { } current)
        {
            WriteVerbose($"Cleared the session default connection ({current}).");
            // A sandbox's connection belongs to the sandbox; any other is ours to close.
            if (!current.IsSandbox) current.Dispose();
        }
        CrmSession.Default = null;
    }
}
