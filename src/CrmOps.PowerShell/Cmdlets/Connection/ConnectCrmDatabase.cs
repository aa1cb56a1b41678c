using System.Management.Automation;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Connection;

[Cmdlet(VerbsCommunications.Connect, "CrmDatabase")]
[OutputType(typeof(CrmConnection))]
public sealed class ConnectCrmDatabase : PSCmdlet
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

    protected override void ProcessRecord()
    {
        try
        {
            var connection = ConnectionFactory.Connect(ConnectionString, Credential?.GetNetworkCredential());
            WriteVerbose($"Connected to {connection.DisplayString} (PostgreSQL {connection.ServerVersion}).");
            if (!NoDefault) CrmSession.Default = connection;
            WriteObject(connection);
        }
        catch (CrmException ex)
        {
            var record = ErrorRecords.From(ex);
            ThrowTerminatingError(record);
        }
    }
}
