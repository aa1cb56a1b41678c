using System.Management.Automation;
using CrmOps.Schema;

namespace CrmOps.PowerShell.Cmdlets.Schema;

/// <summary>The schema snapshots CrmOps recorded in the database (newest first), a snapshot of the schema now (-Live), or one saved in a file (-Path).</summary>
[Cmdlet(VerbsCommon.Get, "CrmSchemaSnapshot", DefaultParameterSetName = RecordedSet)]
[OutputType(typeof(CrmSchemaSnapshot))]
public sealed class GetCrmSchemaSnapshot : Infrastructure.CrmCmdlet
{
    private const string RecordedSet = "Recorded";
    private const string LiveSet = "Live";
    private const string FileSet = "File";

    /// <summary>How many recorded snapshots, newest first (default 20).</summary>
    [Parameter(ParameterSetName = RecordedSet)]
    [ValidateRange(1, SnapshotStore.Keep)]
    public int Last { get; set; } = 20;

    /// <summary>Read the schema as it is now.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiveSet)]
    public SwitchParameter Live { get; set; }

    /// <summary>A snapshot file written by Export-CrmSchemaSnapshot.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = FileSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override void ProcessCrmRecord()
    {
        switch (ParameterSetName)
        {
            case LiveSet:
                WriteObject(SchemaSources.Live(Database));
                break;
            case FileSet:
                WriteObject(SchemaSources.FromFile(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path)));
                break;
            default:
                var list = SnapshotStore.List(Database, Last);
                if (list.Count == 0)
                    CrmHost.WriteVerbose($"No schema snapshot is recorded on {Database} yet: each migration CrmOps runs records one; Set-CrmMigrationState -Baseline records one now.");
                WriteObject(list, enumerateCollection: true);
                break;
        }
    }
}
