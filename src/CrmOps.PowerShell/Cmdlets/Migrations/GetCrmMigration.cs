using System.Management.Automation;
using CrmOps.Migrations;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>Migration files joined with the database's history.</summary>
[Cmdlet(VerbsCommon.Get, "CrmMigration", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CrmMigration))]
public sealed class GetCrmMigration : MigrationCmdlet
{
    protected override void ProcessCrmRecord()
    {
        var set = LoadSet();
        foreach (var p in set.Problems) WriteCrmError(p.ToException());
        WriteObject(MigrationStatus.Get(Database, set), enumerateCollection: true);
    }
}
