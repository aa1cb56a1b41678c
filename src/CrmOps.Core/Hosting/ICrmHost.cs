using CrmOps.Errors;

namespace CrmOps.Hosting;

/// <summary>
/// The one way the core talks back to whoever runs it (the cmdlet base in PowerShell, <see cref="NullHost"/>
/// elsewhere): messages, progress, per-item errors, confirmation, what-if and cancellation. Every member is called
/// on the caller's thread, so a PowerShell host may write to its pipeline from it.
/// </summary>
public interface ICrmHost
{
    /// <summary>Detail for -Verbose. The host removes any password before it shows the text.</summary>
    void WriteVerbose(string message);

    /// <summary>Something the user should know although the work goes on (a skipped step, a degraded mode).</summary>
    void WriteWarning(string message);

    /// <summary>
    /// A word where silence would puzzle, though nothing is wrong ("nothing to apply", which default a run used):
    /// shown by default, never part of the output (PowerShell: the information stream, tagged like Write-Host).
    /// A host that has no such channel gets it as verbose detail (the default), so older hosts still compile.
    /// </summary>
    void WriteInformation(string message) => WriteVerbose(message);

    /// <summary>A non-terminating error about one item; the work goes on with the next.</summary>
    void WriteError(CrmException exception);

    /// <summary>Progress of long work: <paramref name="percent"/> 0..99, -1 when unknown, 100 when the activity is complete.</summary>
    void WriteProgress(string activity, string status, int percent);

    /// <summary>
    /// Asks before a change: false when the user declines or when this is a what-if run (the host then says what
    /// would have happened). Work that has no side effects never asks.
    /// </summary>
    bool ShouldProcess(string target, string action);

    /// <summary>True for a what-if run (PowerShell: -WhatIf or $WhatIfPreference): plan and report, change nothing.</summary>
    bool IsWhatIf { get; }

    /// <summary>Fires when the user stops the work (Ctrl+C): the core cancels its statement on the server.</summary>
    CancellationToken Cancellation { get; }
}
