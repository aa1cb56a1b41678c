using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

[Cmdlet(VerbsCommon.Get, "CrmMigration", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CrmMigration))]
public sealed class GetCrmMigration : MigrationCmdlet
{
    protected override void ProcessCrmRecord()
    {
        var set = LoadSet();
        foreach (var p in set.Problems) WriteCrmError(p.ToException());
        foreach (var m in MigrationEngine.GetStatus(Target, set)) WriteObject(m);
    }
}
