using System.Management.Automation;
using CrmOps.Connections;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Connection;

/// <summary>Opens and checks a connection and makes it the session default.</summary>
[Cmdlet(VerbsCommunications.Connect, "CrmDatabase")]
[OutputType(typeof(CrmConnection))]
public sealed class ConnectCrmDatabase : CrmCmdletBase
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ConnectionUri", "Uri")]
    public string? ConnectionString { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Return the connection without making it the session default.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    protected override void ProcessCrmRecord()
    {
        // Connection failures are CrmExceptions of kind ConnectionError/AuthenticationError: the base terminates on them.
        var connection = ConnectionFactory.Connect(ConnectionString, Credential?.GetNetworkCredential());
        CrmHost.WriteVerbose($"Connected to {connection.DisplayString} (PostgreSQL {connection.ServerVersion}).");
        if (!NoDefault) CrmSession.Default = connection;
        WriteObject(connection);
    }
}
