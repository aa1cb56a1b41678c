using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Hosting;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// The core's <see cref="ICrmHost"/>, implemented once for every cmdlet: verbose and warning text with passwords
/// removed, per-item errors as ErrorRecords, one progress record per activity, ShouldProcess with what-if.
/// </summary>
internal sealed class CmdletHost : ICrmHost
{
    private readonly CrmCmdletBase _cmdlet;
    private readonly Dictionary<string, int> _activities = new(StringComparer.Ordinal);

    public CmdletHost(CrmCmdletBase cmdlet) => _cmdlet = cmdlet;

    public CancellationToken Cancellation => _cmdlet.StopToken;
    public bool IsWhatIf => _cmdlet.IsWhatIf;

    public void WriteVerbose(string message) => _cmdlet.WriteVerbose(_cmdlet.Redact(message));
    public void WriteWarning(string message) => _cmdlet.WriteWarning(_cmdlet.Redact(message));
    public void WriteError(CrmException exception) => _cmdlet.WriteCrmError(exception);

    public void WriteProgress(string activity, string status, int percent)
    {
        if (!_activities.TryGetValue(activity, out var id)) _activities[activity] = id = _activities.Count + 1;
        _cmdlet.WriteProgress(new ProgressRecord(id, activity, string.IsNullOrEmpty(status) ? activity : status)
        {
            PercentComplete = Math.Clamp(percent, -1, 100),
            RecordType = percent >= 100 ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
    }

    public bool ShouldProcess(string target, string action)
    {
        if (IsWhatIf)
        {
            _cmdlet.ShouldProcess(target, action); // prints "What if: ..."
            return false;
        }
        return _cmdlet.SkipConfirmation || _cmdlet.ShouldProcess(target, action);
    }
}
