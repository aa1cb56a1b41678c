using Xunit;

namespace CrmOps.Tests;

/// <summary>A fact about Unix file semantics (modes, symbolic links): reported as skipped on Windows, never passed without running.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Unix file semantics (file modes, symbolic links).";
    }
}
