using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Migrations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Creates migrations/&lt;UTC yyyyMMddHHmmss&gt;_&lt;name&gt;.sql and its rollback and verify files. No database needed.</summary>
[Cmdlet(VerbsCommon.New, "CrmMigration", DefaultParameterSetName = MigrationCmdlet.PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CrmMigration))]
public sealed class NewCrmMigration : CrmCmdletBase
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Position = 1, ParameterSetName = MigrationCmdlet.PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = MigrationCmdlet.BuiltInSet)]
    public SwitchParameter BuiltIn { get; set; }

    protected override void ProcessCrmRecord()
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
