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

    /// <summary>A read replica (connection string; what it leaves out comes from the primary's) for read-only commands.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReadReplica { get; set; }

    /// <summary>Registers the connection under this name for the session: -Connection prod (Get-CrmConnection lists them).</summary>
    [Parameter]
    [ValidatePattern(@"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    public string? Name { get; set; }

    /// <summary>How far behind the read replica may be before read-only commands use the primary (default 60 s).</summary>
    [Parameter]
    [Seconds(0, 86400, MinimumExclusive = true)]
    public TimeSpan MaxReplicaLag { get; set; } = CrmConnection.DefaultMaxReplicaLag;

    protected override void ProcessCrmRecord()
    {
        // Connection failures are CrmExceptions of kind ConnectionError/AuthenticationError: the base terminates on them.
        var connection = ConnectionFactory.Connect(ConnectionString, Credential?.GetNetworkCredential(), ReadReplica, MaxReplicaLag);
        CrmHost.WriteVerbose($"Connected to {connection.DisplayString} (PostgreSQL {connection.ServerVersion}).");
        if (Name != null)
        {
            ConnectionFactory.Name(connection, Name);
            if (CrmSession.Register(connection) is { } replaced && !ReferenceEquals(replaced, CrmSession.Default) && !replaced.IsSandbox)
                replaced.Dispose();
            CrmHost.WriteVerbose($"Registered as '{Name}': -Connection {Name} uses it.");
        }
        if (connection.ReadReplica is { } replica)
        {
            // Checked now so that a mistake shows at once; a replica that is down later only sends reads to the primary.
            try
            {
                var state = ReplicaRouting.ProbeReplicaOf(connection)!;
                CrmHost.WriteVerbose($"Read replica {replica}: {(state.InRecovery ? $"in recovery, {state.LagSeconds:0.#} s behind" : "not in recovery")}; read-only commands use it while it is at most {MaxReplicaLag.TotalSeconds:0.#} s behind.");
            }
            catch (Errors.CrmException ex)
            {
                CrmHost.WriteWarning($"The read replica {replica} cannot be used now ({ex.Message}): read-only commands use the primary until it can.");
            }
        }
        if (!NoDefault) CrmSession.Default = connection;
        WriteObject(connection);
    }
}
