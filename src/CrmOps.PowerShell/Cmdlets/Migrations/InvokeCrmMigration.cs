using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Applies pending migrations in version order, one transaction each, under the migration lock; -WhatIf prints the plan.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "CrmMigration", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CrmMigrationResult))]
public sealed class InvokeCrmMigration : LockingMigrationCmdlet
{
    /// <summary>Apply up to and including this version.</summary>
    [Parameter]
    [ValidatePattern("^[0-9]+$")] // the versions Supabase's CLI accepts: the digits before the first _ of the file name
    public string? Target { get; set; }

    [Parameter]
    public SwitchParameter AllowOutOfOrder { get; set; }

    protected override void ProcessCrmRecord()
    {
        foreach (var result in MigrationRunner.Apply(Database, LoadSet(), Options(Target, allowOutOfOrder: AllowOutOfOrder), CrmHost))
            WriteObject(result);
    }
}
