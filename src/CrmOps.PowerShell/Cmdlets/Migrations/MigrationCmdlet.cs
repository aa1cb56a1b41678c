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

    /// <summary>
    /// Supabase's migration ledger (supabase_migrations.schema_migrations) for a -Path folder: Auto (used when it exists;
    /// created as the CLI does when the folder is a Supabase project, with config.toml beside migrations/), Supabase
    /// (created when missing), None (CrmOps' history only: for a folder the CLI does not manage). Never for -BuiltIn.
    /// </summary>
    [Parameter(ParameterSetName = PathSet)]
    [ValidateSet("Auto", "Supabase", "None")]
    public string Ledger { get; set; } = "Auto";

    protected MigrationSet LoadSet() => LoadSet(this, Path, BuiltIn, Ledger);

    /// <summary>A project folder or the built-in set, with the built-in set's names (they classify older history rows).</summary>
    internal static MigrationSet LoadSet(PSCmdlet cmdlet, string? path, bool builtIn, string ledger = "Auto")
    {
        var root = MigrationPaths.Resolve(cmdlet, path, builtIn);
        var builtInRoot = MigrationPaths.BuiltInRoot;
        if (builtIn && !Directory.Exists(System.IO.Path.Combine(root, "migrations")))
            throw new CrmException("MigrationBuiltInMissing", CrmErrorKind.ObjectNotFound,
                $"The module's built-in migration set at '{root}' has no migrations/ folder (this build ships without built-in migrations).", root);
        if (builtIn) return MigrationSet.Load(root, CrmMigrationSetKind.BuiltIn);
        var names = Directory.Exists(System.IO.Path.Combine(builtInRoot, "migrations"))
            ? MigrationSet.Load(builtInRoot, CrmMigrationSetKind.BuiltIn).Migrations.Select(f => (f.Version, f.Name)).ToList()
            : [];
        LedgerUse? use = ledger switch { "Supabase" => LedgerUse.Create, "None" => LedgerUse.None, _ => null };
        return MigrationSet.Load(root, CrmMigrationSetKind.Project, names, use);
    }
}
