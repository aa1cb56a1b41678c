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
/// <remarks>
/// Output (objects, errors, verbose, warnings, progress) goes through this class's own Write methods, which hide
/// PSCmdlet's: PowerShell accepts them only on the pipeline thread, and a command that works on several databases at
/// once (<see cref="CrmCmdlet"/>) runs its body on other threads. There they are posted to the pipeline thread, which
/// writes them in order; on the pipeline thread they are written at once, as PSCmdlet would.
/// </remarks>
public abstract class CrmCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ICrmHost? _host;
    private int _pipelineThread = Environment.CurrentManagedThreadId;

    protected internal CancellationToken StopToken => _stopping.Token;

    /// <summary>This invocation as the core's host. Created on first use (after the module's load context is in place).</summary>
    protected ICrmHost CrmHost => _host ??= new CmdletHost(this);

    protected sealed override void BeginProcessing()
    {
        _pipelineThread = Environment.CurrentManagedThreadId;
        RunPhase(CmdletPhase.Begin);
    }

    protected sealed override void ProcessRecord() => RunPhase(CmdletPhase.Process);
    protected sealed override void EndProcessing() => RunPhase(CmdletPhase.End);
    protected override void StopProcessing() => _stopping.Cancel();

    protected virtual void BeginCrmProcessing() { }
    protected virtual void ProcessCrmRecord() { }
    protected virtual void EndCrmProcessing() { }

    /// <summary>Runs one phase of the cmdlet's body; <see cref="CrmCmdlet"/> runs it once per database.</summary>
    private protected virtual void RunPhase(CmdletPhase phase) => Guard(() => InvokePhase(phase));

    /// <summary>The cmdlet's own code for a phase.</summary>
    private protected void InvokePhase(CmdletPhase phase)
    {
        switch (phase)
        {
            case CmdletPhase.Begin: BeginCrmProcessing(); break;
            case CmdletPhase.Process: ProcessCrmRecord(); break;
            default: EndCrmProcessing(); break;
        }
    }

    /// <summary>PowerShell disposes a cmdlet that implements IDisposable when its pipeline ends.</summary>
    public void Dispose()
    {
        if (Owner == null) _stopping.Dispose();
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

    private protected void Guard(Action phase)
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
            WriteCrmError(Unexpected(ex));
        }
    }

    private protected CrmException Unexpected(Exception ex) =>
        new("UnexpectedError", CrmErrorKind.NotSpecified, Redact(Connections.ConnectionFactory.FirstLine(ex.Message)));

    /// <summary>Removes the connection's password (and any password-shaped text) from a message.</summary>
    protected internal virtual string Redact(string text) => Connections.Secrets.Redact(text, null);

    /// <summary>Errors that stop all progress (no connection) terminate; errors about one item do not.</summary>
    protected internal virtual void WriteCrmError(CrmException ex)
    {
        var record = ErrorRecords.From(ex);
        if (IsTerminating(ex))
            ThrowTerminatingError(record);
        else
            WriteError(record);
    }

    private protected static bool IsTerminating(CrmException ex) =>
        ex.Kind is CrmErrorKind.ConnectionError or CrmErrorKind.AuthenticationError or CrmErrorKind.SecurityError or CrmErrorKind.NotInstalled;

    // ---- Output, from any thread -------------------------------------------------------------------------------

    /// <summary>The cmdlet that owns the pipeline, for a copy of it that works on one database of several (else null).</summary>
    private protected CrmCmdletBase? Owner { get; set; }

    /// <summary>Where output made on another thread waits for the pipeline thread (set while databases are worked on at once).</summary>
    private protected OutputQueue? Queue { get; set; }

    private protected bool OnPipelineThread => Environment.CurrentManagedThreadId == (Owner ?? this)._pipelineThread;

    /// <summary>Runs a write now on the pipeline thread, or posts it there.</summary>
    private protected void Dispatch(Action write)
    {
        if (OnPipelineThread) write();
        else ((Owner ?? this).Queue ?? throw new InvalidOperationException("Output from another thread outside a multi-database run.")).Post(write);
    }

    /// <summary>What an output object becomes before it is written (CrmCmdlet: marked with the database it came from).</summary>
    private protected virtual object? Prepare(object? item) => item;

    public new void WriteObject(object? sendToPipeline)
    {
        var item = Prepare(sendToPipeline);
        Dispatch(() => base.WriteObject(item));
    }

    public new void WriteObject(object? sendToPipeline, bool enumerateCollection)
    {
        if (!enumerateCollection || sendToPipeline is null or string || LanguagePrimitives.GetEnumerable(sendToPipeline) is not { } items)
        {
            WriteObject(sendToPipeline);
            return;
        }
        foreach (var item in items) WriteObject(item);
    }

    public new void WriteError(ErrorRecord errorRecord) => Dispatch(() => base.WriteError(errorRecord));
    public new void WriteWarning(string text) => Dispatch(() => base.WriteWarning(text));
    public new void WriteVerbose(string text) => Dispatch(() => base.WriteVerbose(text));
    public new void WriteDebug(string text) => Dispatch(() => base.WriteDebug(text));
    public new void WriteProgress(ProgressRecord progressRecord) => Dispatch(() => base.WriteProgress(progressRecord));

    // ---- Copies of this cmdlet, one per database ------------------------------------------------------------------

    /// <summary>
    /// A shallow copy for another database (see CrmCmdlet): PowerShell's side (invocation, runtime, session state) and
    /// this class's invocation-wide fields shared, the per-copy ones (host, queue) fresh, the original as owner.
    /// </summary>
    private protected CrmCmdletBase ShallowCopy()
    {
        var copy = (CrmCmdletBase)MemberwiseClone();
        copy._host = null;
        copy.Queue = null;
        copy.Owner = this;
        return copy;
    }

    /// <summary>Stops the invocation's core work (every copy shares the token).</summary>
    private protected void CancelWork() => _stopping.Cancel();

    /// <summary>The properties that are parameters of this cmdlet.</summary>
    private protected static PropertyInfo[] ParameterProperties(Type type)
    {
        lock (ParameterCache)
        {
            if (!ParameterCache.TryGetValue(type, out var list))
                ParameterCache[type] = list = type.GetProperties(BindingFlags.Instance | BindingFlags.Public)
                    .Where(p => p.CanRead && p.CanWrite && p.IsDefined(typeof(ParameterAttribute), inherit: true)).ToArray();
            return list;
        }
    }

    private static readonly Dictionary<Type, PropertyInfo[]> ParameterCache = new();
}

/// <summary>The three phases of a cmdlet's body.</summary>
internal enum CmdletPhase { Begin, Process, End }
