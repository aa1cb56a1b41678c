using System.Management.Automation;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Base of every CrmOps cmdlet: errors as ErrorRecords with a category and a stable id (never a
/// stack trace, never a password), Ctrl+C wired to a CancellationToken, progress and verbose sinks.
/// </summary>
public abstract class CrmCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    protected CancellationToken StopToken => _stopping.Token;

    protected sealed override void BeginProcessing() => Guard(BeginCrmProcessing);
    protected sealed override void ProcessRecord() => Guard(ProcessCrmRecord);
    protected sealed override void EndProcessing() => Guard(EndCrmProcessing);
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>PowerShell disposes a cmdlet that implements IDisposable when its pipeline ends.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    protected virtual void BeginCrmProcessing() { }
    protected virtual void ProcessCrmRecord() { }
    protected virtual void EndCrmProcessing() { }

    private void Guard(Action phase)
    {
        try
        {
            phase();
        }
        catch (CrmException ex)
        {
            WriteCrmError(ex);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not ActionPreferenceStopException
                                       and not PipelineClosedException and not RuntimeException)
        {
            WriteCrmError(new CrmException("UnexpectedError", CrmErrorKind.NotSpecified,
                Redact(Connections.ConnectionFactory.FirstLine(ex.Message))));
        }
    }

    /// <summary>Removes the connection's password (and any password-shaped text) from a message.</summary>
    protected virtual string Redact(string text) => Connections.Secrets.Redact(text, null);

    /// <summary>Errors that stop all progress (no connection) terminate; errors about one item do not.</summary>
    protected void WriteCrmError(CrmException ex)
    {
        var record = ToErrorRecord(ex);
        if (ex.Kind is CrmErrorKind.ConnectionError or CrmErrorKind.AuthenticationError or CrmErrorKind.SecurityError or CrmErrorKind.NotInstalled)
            ThrowTerminatingError(record);
        else
            WriteError(record);
    }

    protected static ErrorRecord ToErrorRecord(CrmException ex) => ErrorRecords.From(ex);

    /// <summary>Verbose text for the core, with any password removed.</summary>
    protected Action<string> Verbose => message => WriteVerbose(Redact(message));

    /// <summary>A progress sink for long core work: (activity status, percent 0..100; -1 when unknown, 100 completes).</summary>
    protected Action<string, int> Progress(string activity, int activityId = 1) => (status, percent) =>
    {
        var record = new ProgressRecord(activityId, activity, string.IsNullOrEmpty(status) ? activity : status)
        {
            PercentComplete = Math.Clamp(percent, -1, 100),
            RecordType = percent >= 100 ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        WriteProgress(record);
    };
}

/// <summary>
/// Base of every CrmOps cmdlet that talks to a database: the shared -Connection parameter, errors
/// as ErrorRecords with a category and a stable id (never a stack trace, never a password),
/// Ctrl+C wired to a CancellationToken, and progress and verbose sinks for the core.
/// </summary>
public abstract class CrmCmdlet : CrmCmdletBase
{
    private CrmConnection? _resolved;

    /// <summary>A CrmConnection, a CrmSandbox or a connection string. Default: the session's (Connect-CrmDatabase, Start-CrmSandbox).</summary>
    [Parameter]
    [ConnectionTransformation]
    [ValidateNotNull]
    public CrmConnection? Connection { get; set; }

    /// <summary>The connection this invocation uses.</summary>
    protected CrmConnection Target
    {
        get
        {
            if (_resolved != null) return _resolved;
            _resolved = Connection ?? CrmSession.Default ?? ConnectFromEnvironment();
            return _resolved;
        }
    }

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

    protected override string Redact(string text) => _resolved?.Redact(text) ?? Connections.Secrets.Redact(text, null);
}

/// <summary>The exception inside a CrmOps ErrorRecord: only a message, no inner exception that could carry secrets.</summary>
public sealed class CrmOpsException : Exception
{
    public CrmOpsException(string message) : base(message) { }
    public override string? StackTrace => null;
}

/// <summary>Lets -Connection take a CrmConnection, a CrmSandbox or a connection string.</summary>
public sealed class ConnectionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            return value switch
            {
                null => null,
                CrmConnection c => c,
                CrmSandbox s when s.Connection != null => s.Connection,
                string text when !string.IsNullOrWhiteSpace(text) => CrmSession.ForString(text),
                _ => throw new ArgumentTransformationMetadataException(
                    $"-Connection takes a CrmConnection, a CrmSandbox or a connection string, not {value.GetType().Name}."),
            };
        }
        catch (CrmException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message);
        }
    }
}
