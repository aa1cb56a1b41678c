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
        var status = MigrationStatus.Get(Database, set);
        foreach (var m in status)
            if (m.State == CrmMigrationState.Incomplete && m.Message != null) CrmHost.WriteWarning(m.Message);
        WriteObject(status, enumerateCollection: true);
    }
}
