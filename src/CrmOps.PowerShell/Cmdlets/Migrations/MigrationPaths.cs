using System.Management.Automation;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Where a migration set is: -Path resolved against PowerShell's location (default ./supabase), or the built-in set.</summary>
internal static class MigrationPaths
{
    /// <summary>The module's built-in set: &lt;module root&gt;/module/migrations, the module root being the parent of bin/ (where CrmOps.dll lives).</summary>
    public static string BuiltInRoot
    {
        get
        {
            var bin = System.IO.Path.GetDirectoryName(typeof(MigrationPaths).Assembly.Location)!;
            return System.IO.Path.GetFullPath(System.IO.Path.Combine(bin, "..", "module", "migrations"));
        }
    }

    public static string Resolve(PSCmdlet cmdlet, string? path, bool builtIn)
    {
        if (builtIn) return BuiltInRoot;
        try
        {
            return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(string.IsNullOrEmpty(path) ? "./supabase" : path);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException)
        {
            throw new CrmException("MigrationPathInvalid", CrmErrorKind.InvalidArgument, $"'{path}' is not a file-system path: {ex.Message}", path);
        }
    }
}
