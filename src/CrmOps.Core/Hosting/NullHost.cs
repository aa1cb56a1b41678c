using CrmOps.Errors;

namespace CrmOps.Hosting;

/// <summary>
/// A host for callers outside PowerShell (tests, other programs): says nothing, proceeds with every change, is never
/// a what-if run unless asked, collects warnings and per-item errors, and cancels when its token does.
/// One instance per call (it is not thread-safe).
/// </summary>
public sealed class NullHost : ICrmHost
{
    private readonly List<CrmException> _errors = [];

    public NullHost(bool whatIf = false, CancellationToken cancellation = default)
    {
        Cancellation = cancellation;
        IsWhatIf = whatIf;
    }

    public CancellationToken Cancellation { get; }
    public bool IsWhatIf { get; }

    /// <summary>The non-terminating errors reported so far.</summary>
    public IReadOnlyList<CrmException> Errors => _errors;

    /// <summary>Warnings reported so far.</summary>
    public List<string> Warnings { get; } = [];

    public void WriteVerbose(string message) { }
    public void WriteWarning(string message) => Warnings.Add(message);
    public void WriteError(CrmException exception) => _errors.Add(exception);
    public void WriteProgress(string activity, string status, int percent) { }
    public bool ShouldProcess(string target, string action) => !IsWhatIf;
}
