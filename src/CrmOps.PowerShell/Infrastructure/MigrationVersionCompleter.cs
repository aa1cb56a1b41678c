using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using CrmOps.Migrations;
using CrmOps.PowerShell.Cmdlets.Migrations;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Tab completion of -Version and -Target: the versions of the migration set the command line names (-BuiltIn, -Path, or
/// ./supabase), newest first, each shown with its name. Reads files only, never the database.
/// </summary>
public sealed class MigrationVersionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var root = fakeBoundParameters.Contains("BuiltIn") ? MigrationPaths.BuiltInRoot : Resolve(fakeBoundParameters["Path"]);
            if (root == null || !Directory.Exists(Path.Combine(root, "migrations"))) return [];
            var typed = (wordToComplete ?? "").Trim('\'', '"');
            return MigrationSet.Load(root).Migrations
                .Where(m => m.Version.StartsWith(typed, StringComparison.Ordinal) || m.FileName.Contains(typed, StringComparison.OrdinalIgnoreCase))
                .OrderByDescending(m => m.Version, StringComparer.Ordinal)
                .Select(m => new CompletionResult(m.Version, $"{m.Version} {m.Name}", CompletionResultType.ParameterValue, m.FileName))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Errors.CrmException or PSInvalidOperationException or ArgumentException)
        {
            return [];
        }
    }

    /// <summary>-Path (default ./supabase) against PowerShell's current location.</summary>
    private static string? Resolve(object? path)
    {
        if (path is PSObject pso) path = pso.BaseObject;
        var text = path as string ?? "./supabase";
        var location = Runspace.DefaultRunspace?.SessionStateProxy.Path.CurrentFileSystemLocation.ProviderPath ?? Environment.CurrentDirectory;
        return Path.GetFullPath(Path.Combine(location, text));
    }
}
