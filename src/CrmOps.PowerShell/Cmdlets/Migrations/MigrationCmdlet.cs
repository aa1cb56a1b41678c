using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Migrations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Shared by the migration cmdlets: -Path (default ./supabase, relative to PowerShell's location) or -BuiltIn.</summary>
public abstract class MigrationCmdlet : CrmCmdlet
{
    public const string PathSet = "Path";
    public const string BuiltInSet = "BuiltIn";

    /// <summary>The folder that holds migrations/ (Supabase's layout). Default: ./supabase.</summary>
    [Parameter(Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Use the migration set that ships with the module.</summary>
    [Parameter(Mandatory = true, ParameterSetName = BuiltInSet)]
    public SwitchParameter BuiltIn { get; set; }

    protected string ResolveRoot() => MigrationPaths.Resolve(this, Path, BuiltIn);

    protected MigrationSet LoadSet()
    {
        var root = ResolveRoot();
        if (BuiltIn && !Directory.Exists(System.IO.Path.Combine(root, "migrations")))
            throw new CrmException("MigrationBuiltInMissing", CrmErrorKind.ObjectNotFound,
                $"The module's built-in migration set at '{root}' has no migrations/ folder (this build ships without built-in migrations).", root);
        return MigrationSet.Load(root);
    }

    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)
            ? ((SwitchParameter)w).IsPresent
            : GetVariableValue("WhatIfPreference") is { } p && LanguagePrimitives.IsTrue(p);
}

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

/// <summary>Lets a TimeSpan parameter take a number of seconds (5, 0.5) as well as a TimeSpan or '00:00:05'.</summary>
public sealed class SecondsTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value switch
        {
            int i => TimeSpan.FromSeconds(i),
            long l => TimeSpan.FromSeconds(l),
            double d => TimeSpan.FromSeconds(d),
            decimal m => TimeSpan.FromSeconds((double)m),
            string s when double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) => TimeSpan.FromSeconds(d),
            _ => value,
        };
    }
}
