using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Runs rollbacks newest first (-Count, default 1, or every version newer than -Target), each in a transaction with its history row.</summary>
[Cmdlet(VerbsCommon.Undo, "CrmMigration", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(CrmMigrationResult))]
public sealed class UndoCrmMigration : LockingMigrationCmdlet
{
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 1;

    /// <summary>Roll back every applied version newer than this one.</summary>
    [Parameter]
    [ValidatePattern("^[0-9]+$")] // the versions Supabase's CLI accepts: the digits before the first _ of the file name
    public string? Target { get; set; }

    protected override void ProcessCrmRecord()
    {
        foreach (var result in MigrationRunner.Undo(Database, LoadSet(), Options(Target, Count), CrmHost))
            WriteObject(result);
    }
}
