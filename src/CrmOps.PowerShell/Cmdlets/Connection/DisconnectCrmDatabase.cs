using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Connection;

/// <summary>Clears the session default connection (and closes it unless it belongs to a sandbox).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "CrmDatabase")]
[OutputType(typeof(void))]
public sealed class DisconnectCrmDatabase : CrmCmdletBase
{
    /// <summary>Forget these named connections (Connect-CrmDatabase -Name) and close them, instead of the session default.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessCrmRecord()
    {
        if (Name != null)
        {
            foreach (var name in Name)
            {
                if (CrmSession.Unregister(name) is not { } named)
                {
                    WriteCrmError(new Errors.CrmException("ConnectionNameUnknown", Errors.CrmErrorKind.ObjectNotFound, $"No connection is named '{name}' in this session.", name));
                    continue;
                }
                if (ReferenceEquals(CrmSession.Default, named)) CrmSession.Default = null;
                if (!named.IsSandbox) named.Dispose();
                CrmHost.WriteVerbose($"Forgot the connection '{name}' ({named}).");
            }
            return;
        }
        if (CrmSession.Default is { } current)
        {
            CrmHost.WriteVerbose($"Cleared the session default connection ({current}).");
            // A sandbox's connection belongs to the sandbox; any other is ours to close.
            if (!current.IsSandbox) current.Dispose();
        }
        CrmSession.Default = null;
    }
}
