using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Connection;

/// <summary>Clears the session default connection (and closes it unless it belongs to a sandbox).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "CrmDatabase")]
[OutputType(typeof(void))]
public sealed class DisconnectCrmDatabase : CrmCmdletBase
{
    protected override void ProcessCrmRecord()
    {
        if (CrmSession.Default is { } current)
        {
            CrmHost.WriteVerbose($"Cleared the session default connection ({current}).");
            // A sandbox's connection belongs to the sandbox; any other is ours to close.
            if (!current.IsSandbox) current.Dispose();
        }
        CrmSession.Default = null;
    }
}
