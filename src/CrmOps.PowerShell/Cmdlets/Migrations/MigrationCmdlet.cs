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

    protected MigrationSet LoadSet()
    {
        var root = MigrationPaths.Resolve(this, Path, BuiltIn);
        if (BuiltIn && !Directory.Exists(System.IO.Path.Combine(root, "migrations")))
            throw new CrmException("MigrationBuiltInMissing", CrmErrorKind.ObjectNotFound,
                $"The module's built-in migration set at '{root}' has no migrations/ folder (this build ships without built-in migrations).", root);
        return MigrationSet.Load(root);
    }
}
