using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Migrations;
using CrmOps.PowerShell.Infrastructure;
using CrmOps.Schema;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>
/// Creates migrations/&lt;UTC yyyyMMddHHmmss&gt;_&lt;name&gt;.sql and its rollback and verify files (no database needed);
/// with -FromDiff, writes them from the differences of Compare-CrmSchema piped in; with -FromBuiltIn, copies the
/// built-in migrations into the project's folder and, when they are applied, records the copies as applied in both ledgers.
/// </summary>
[Cmdlet(VerbsCommon.New, "CrmMigration", DefaultParameterSetName = MigrationCmdlet.PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CrmMigration))]
public sealed class NewCrmMigration : CrmCmdlet
{
    public const string FromBuiltInSet = "FromBuiltIn";
    private const string FromDiffSet = "FromDiff";
    private readonly List<CrmSchemaDifference> _differences = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = MigrationCmdlet.PathSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = MigrationCmdlet.BuiltInSet)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FromDiffSet)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Position = 1, ParameterSetName = MigrationCmdlet.PathSet)]
    [Parameter(ParameterSetName = FromBuiltInSet)]
    [Parameter(Position = 1, ParameterSetName = FromDiffSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Write the up script and its rollback from the piped differences (Compare-CrmSchema ... | New-CrmMigration -FromDiff).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FromDiffSet)]
    public SwitchParameter FromDiff { get; set; }

    /// <summary>The differences (from Compare-CrmSchema).</summary>
    [Parameter(ValueFromPipeline = true, ParameterSetName = FromDiffSet)]
    public CrmSchemaDifference[]? InputObject { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = MigrationCmdlet.BuiltInSet)]
    public SwitchParameter BuiltIn { get; set; }

    /// <summary>Copy the built-in migrations into -Path (adoption), recording them as applied when they are.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FromBuiltInSet)]
    public SwitchParameter FromBuiltIn { get; set; }

    /// <summary>Supabase's ledger for -FromBuiltIn (as the migration commands' -Ledger).</summary>
    [Parameter(ParameterSetName = FromBuiltInSet)]
    [ValidateSet("Auto", "Supabase", "None")]
    public string Ledger { get; set; } = "Auto";

    protected override void ProcessCrmRecord()
    {
        if (FromBuiltIn)
        {
            var builtIn = MigrationCmdlet.LoadSet(this, null, builtIn: true);
            var folder = System.IO.Path.Combine(MigrationPaths.Resolve(this, Path, false), "migrations");
            if (!Directory.Exists(folder))
            {
                if (!CrmHost.ShouldProcess(folder, "Create the migrations folder and copy the built-in migrations into it")) return;
                Directory.CreateDirectory(folder);
            }
            var project = MigrationCmdlet.LoadSet(this, Path, builtIn: false, Ledger);
            try
            {
                WriteObject(MigrationAdoption.Adopt(Database, builtIn, project, new MigrationOptions(), CrmHost, DateTime.UtcNow), enumerateCollection: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CrmException("MigrationFileUnwritable", CrmErrorKind.PermissionDenied, $"Cannot copy the built-in migrations into '{project.Root}': {ex.Message}", project.Root);
            }
            return;
        }
        if (FromDiff)
        {
            if (InputObject != null) _differences.AddRange(InputObject.Where(d => d != null));
            return;
        }
        Create();
    }

    protected override void EndCrmProcessing()
    {
        if (!FromDiff) return;
        CheckName();
        if (_differences.Count == 0)
        {
            CrmHost.WriteWarning("No differences were piped (the schemas match): no migration was written.");
            return;
        }
        var root = MigrationPaths.Resolve(this, Path, false);
        if (!CrmHost.ShouldProcess(System.IO.Path.Combine(root, "migrations", $"<UTC yyyyMMddHHmmss>_{Name}.sql"),
                $"Create a migration and its rollback from {_differences.Count} schema difference(s)")) return;
        MigrationFromDiff.Result result;
        try
        {
            result = MigrationFromDiff.Write(root, Name, _differences, DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CrmException("MigrationFileUnwritable", CrmErrorKind.PermissionDenied, $"Cannot create the migration files: {ex.Message}", root);
        }
        CrmHost.WriteVerbose($"Wrote {result.File.Path} ({result.Statements} statement(s)) and its rollback from {_differences.Count} difference(s).");
        if (result.Todos > 0)
            CrmHost.WriteWarning($"{result.File.FileName}: {result.Todos} step(s) are TODO comments (objects PostgreSQL gives no full definition for): complete them by hand before applying it.");
        WriteObject(MigrationStatus.ToModel(result.File, CrmMigrationState.Pending));
    }

    private void CheckName()
    {
        if (!MigrationSet.SnakeCase.IsMatch(Name))
            throw new CrmException("MigrationNameInvalid", CrmErrorKind.InvalidArgument,
                $"'{Name}' is not a snake_case name (lower-case letters, digits and single underscores, starting with a letter), for example add_lead_score.", Name);
    }

    private void Create()
    {
        if (!MigrationSet.SnakeCase.IsMatch(Name))
            throw new CrmException("MigrationNameInvalid", CrmErrorKind.InvalidArgument,
                $"'{Name}' is not a snake_case name (lower-case letters, digits and single underscores, starting with a letter), for example add_lead_score.", Name);
        var root = MigrationPaths.Resolve(this, Path, BuiltIn);
        if (!CrmHost.ShouldProcess(System.IO.Path.Combine(root, "migrations", $"<UTC yyyyMMddHHmmss>_{Name}.sql"), "Create migration files")) return;
        MigrationFile file;
        try
        {
            file = MigrationSet.Create(root, Name, DateTime.UtcNow);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CrmException("MigrationFileUnwritable", CrmErrorKind.PermissionDenied, $"Cannot create the migration files: {ex.Message}", root);
        }
        CrmHost.WriteVerbose($"Created {file.Path}, {file.RollbackPath} and {file.VerifyPath}.");
        WriteObject(MigrationStatus.ToModel(file, CrmMigrationState.Pending));
    }
}
