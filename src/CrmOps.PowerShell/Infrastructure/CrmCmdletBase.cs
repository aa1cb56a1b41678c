using System.Management.Automation;
using System.Reflection;
using CrmOps.Errors;
using CrmOps.Hosting;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Base of every CrmOps cmdlet: errors as ErrorRecords with a category and a stable id (never a stack trace, never a
/// password), Ctrl+C wired to a CancellationToken, and <see cref="CrmHost"/>, the one object through which the core
/// talks back (verbose, warnings, per-item errors, progress, ShouldProcess, what-if, cancellation).
/// </summary>
public abstract class CrmCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ICrmHost? _host;

    protected internal CancellationToken StopToken => _stopping.Token;

    /// <summary>This invocation as the core's host. Created on first use (after the module's load context is in place).</summary>
    protected ICrmHost CrmHost => _host ??= new CmdletHost(this);

    protected sealed override void BeginProcessing() => Guard(BeginCrmProcessing);
    protected sealed override void ProcessRecord() => Guard(ProcessCrmRecord);
    protected sealed override void EndProcessing() => Guard(EndCrmProcessing);
    protected override void StopProcessing() => _stopping.Cancel();

    protected virtual void BeginCrmProcessing() { }
    protected virtual void ProcessCrmRecord() { }
    protected virtual void EndCrmProcessing() { }

    /// <summary>PowerShell disposes a cmdlet that implements IDisposable when its pipeline ends.</summary>
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// True for a what-if run of a cmdlet that supports ShouldProcess: -WhatIf, or $WhatIfPreference when -WhatIf is not
    /// given (the same rule ShouldProcess applies).
    /// </summary>
    internal bool IsWhatIf
    {
        get
        {
            if (GetType().GetCustomAttribute<CmdletAttribute>()?.SupportsShouldProcess != true) return false;
            return MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
                ? ((SwitchParameter)w).IsPresent
                : GetVariableValue("WhatIfPreference") is { } p && LanguagePrimitives.IsTrue(p);
        }
    }

    /// <summary>Changes proceed without asking (a -Force that means "do not prompt"); -WhatIf still changes nothing.</summary>
    protected internal virtual bool SkipConfirmation => false;

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
    protected internal virtual string Redact(string text) => Connections.Secrets.Redact(text, null);

    /// <summary>Errors that stop all progress (no connection) terminate; errors about one item do not.</summary>
    protected internal void WriteCrmError(CrmException ex)
    {
        var record = ErrorRecords.From(ex);
        if (ex.Kind is CrmErrorKind.ConnectionError or CrmErrorKind.AuthenticationError or CrmErrorKind.SecurityError or CrmErrorKind.NotInstalled)
            ThrowTerminatingError(record);
        else
            WriteError(record);
    }
}
