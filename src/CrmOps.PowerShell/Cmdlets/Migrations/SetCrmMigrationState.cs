using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Marks a migration applied or rolled back without running it (CrmOps' history and Supabase's).</summary>
[Cmdlet(VerbsCommon.Set, "CrmMigrationState", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CrmMigration))]
public sealed class SetCrmMigrationState : MigrationCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern(@"^\d{14}$")]
    public string Version { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateSet("Applied", "RolledBack")]
    // A string, not the CrmMigrationState enum: a field of a Core value type would make PowerShell load CrmOps.Core
    // while it analyses this assembly, before the module's AssemblyLoadContext is set up.
    public string State { get; set; } = "";

    [Parameter]
    [SecondsTransformation]
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(30);

    protected override void ProcessCrmRecord()
    {
        var db = Target;
        var set = LoadSet();
        var file = set.Migrations.FirstOrDefault(m => m.Version == Version);
        var name = file?.FileName ?? Version;
        if (!ShouldProcess($"{name} on {db}", $"Mark migration {State} without running it")) return;
        WriteObject(MigrationEngine.SetState(db, set, Version, Enum.Parse<CrmMigrationState>(State, ignoreCase: true), new MigrationOptions { LockWait = LockWait, Verbose = Verbose, Cancel = StopToken }));
    }
}
