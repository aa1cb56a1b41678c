using System.Runtime.InteropServices;

namespace CrmOps.Tests;

/// <summary>
/// Runs file access on the current thread as another user: Linux's setfsuid(2) changes only the
/// thread's file-system user id, and moving it away from 0 drops root's CAP_DAC_OVERRIDE, so a file
/// of mode 000 is unreadable even when the tests run as root. A no-op for a non-root user (who
/// cannot read such a file anyway). Dispose restores the previous id.
/// </summary>
internal sealed class FileSystemUser : IDisposable
{
    private const int NobodyId = 65534;
    private readonly int? _previous;

    private FileSystemUser(int? previous) => _previous = previous;

    // DllImport rather than LibraryImport: these signatures need no marshalling, and LibraryImport would need unsafe code.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setfsuid")]
    private static extern int SetFsUid(int uid);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern int GetEuid();
#pragma warning restore SYSLIB1054

    public static FileSystemUser Nobody()
    {
        if (!OperatingSystem.IsLinux() || GetEuid() != 0) return new FileSystemUser(null);
        Thread.BeginThreadAffinity();
        var previous = SetFsUid(NobodyId);
        // setfsuid returns the previous id whether or not it succeeded: ask again to know.
        var now = SetFsUid(-1);
        if (now != NobodyId)
        {
            Thread.EndThreadAffinity();
            throw new InvalidOperationException($"setfsuid({NobodyId}) did not take effect (file-system uid is {now}): cannot read as another user here.");
        }
        return new FileSystemUser(previous);
    }

    public void Dispose()
    {
        if (_previous is not { } previous) return;
        _ = SetFsUid(previous);
        Thread.EndThreadAffinity();
    }
}
