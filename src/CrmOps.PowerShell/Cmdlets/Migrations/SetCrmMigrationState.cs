using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Marks a migration applied or rolled back without running it (CrmOps' history and Supabase's).</summary>
[Cmdlet(VerbsCommon.Set, "CrmMigrationState", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CrmMigration))]
public sealed class SetCrmMigrationState : LockingMigrationCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9]+$")] // the versions Supabase's CLI accepts: the digits before the first _ of the file name
    public string Version { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateSet("Applied", "RolledBack")]
    // A string, not the CrmMigrationState enum: a field of a Core value type would make PowerShell load CrmOps.Core
    // while it analyses this assembly, before the module's AssemblyLoadContext is set up.
    public string State { get; set; } = "";

    protected override void ProcessCrmRecord()
    {
        var set = LoadSet();
        var name = set.Migrations.FirstOrDefault(m => m.Version == Version)?.FileName ?? Version;
        if (!CrmHost.ShouldProcess($"{name} on {Database}", $"Mark migration {State} without running it")) return;
        WriteObject(MigrationRunner.SetState(Database, set, Version, Enum.Parse<CrmMigrationState>(State, ignoreCase: true), Options(), CrmHost));
    }
}
