using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>
/// Marks a migration applied or rolled back without running it (CrmOps' history and Supabase's); -Baseline records the
/// schema as it is now as what it should be (for a schema that predates CrmOps' migrations, or after checking drift).
/// </summary>
[Cmdlet(VerbsCommon.Set, "CrmMigrationState", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CrmMigration), ParameterSetName = [PathSet, BuiltInSet])]
[OutputType(typeof(CrmSchemaSnapshot), ParameterSetName = [BaselineSet])]
public sealed class SetCrmMigrationState : LockingMigrationCmdlet
{
    private const string BaselineSet = "Baseline";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = BuiltInSet)]
    [ValidatePattern("^[0-9]+$")] // the versions Supabase's CLI accepts: the digits before the first _ of the file name
    public string Version { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, ParameterSetName = BuiltInSet)]
    [ValidateSet("Applied", "RolledBack")]
    // A string, not the CrmMigrationState enum: a field of a Core value type would make PowerShell load CrmOps.Core
    // while it analyses this assembly, before the module's AssemblyLoadContext is set up.
    public string State { get; set; } = "";

    /// <summary>Record the schema as it is now as the reference of drift checks (Compare-CrmSchema, Test-CrmDatabase).</summary>
    [Parameter(Mandatory = true, ParameterSetName = BaselineSet)]
    public SwitchParameter Baseline { get; set; }

    protected override void ProcessCrmRecord()
    {
        if (Baseline)
        {
            if (!CrmHost.ShouldProcess($"{Database}", "Record the schema as it is now as the baseline of drift checks")) return;
            WriteObject(CrmOps.Schema.SnapshotStore.RecordBaseline(Database, Options(), CrmHost));
            return;
        }
        var set = LoadSet();
        var name = set.Migrations.FirstOrDefault(m => m.Version == Version)?.FileName ?? Version;
        if (!CrmHost.ShouldProcess($"{name} on {Database}", $"Mark migration {State} without running it")) return;
        WriteObject(MigrationRunner.SetState(Database, set, Version, Enum.Parse<CrmMigrationState>(State, ignoreCase: true), Options(), CrmHost));
    }
}
