using System.Management.Automation;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>Base of every CrmOps cmdlet that talks to a database: the shared -Connection parameter and its resolution.</summary>
public abstract class CrmCmdlet : CrmCmdletBase
{
    private CrmConnection? _given;
    private CrmConnection? _resolved;

    /// <summary>A CrmConnection, a CrmSandbox or a connection string. Default: the session's (Connect-CrmDatabase, Start-CrmSandbox).</summary>
    [Parameter]
    [ConnectionTransformation]
    [ValidateNotNull]
    public CrmConnection? Connection { get; set; }

    /// <summary>
    /// The database this invocation works on: -Connection, else the session default, else the environment. A command
    /// marked [ReadsOnly] gets the connection's read replica instead when it has one that is current enough
    /// (<see cref="Connections.ReplicaRouting"/>); every other command gets the primary.
    /// </summary>
    protected CrmConnection Database => _resolved ??= Route(_given = Connection ?? CrmSession.Default ?? ConnectFromEnvironment());

    /// <summary>True for a command marked [ReadsOnly]: it may be served by a read replica.</summary>
    protected internal bool ReadsOnly => GetType().IsDefined(typeof(ReadsOnlyAttribute), inherit: true);

    private CrmConnection Route(CrmConnection connection) =>
        ReadsOnly ? Connections.ReplicaRouting.ForReading(connection, CrmHost) : connection;

    private static CrmConnection ConnectFromEnvironment()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CRMOPS_CONNECTION")) ||
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PGHOST")))
        {
            CrmSession.Default = Connections.ConnectionFactory.Connect((string?)null);
            return CrmSession.Default;
        }
        throw new CrmException("NoConnection", CrmErrorKind.ConnectionError,
            "No database connection. Run Connect-CrmDatabase (or Start-CrmSandbox), pass -Connection, or set $env:CRMOPS_CONNECTION.");
    }

    protected internal override string Redact(string text) => (_given ?? _resolved)?.Redact(text) ?? Connections.Secrets.Redact(text, null);
}
