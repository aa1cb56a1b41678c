using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Migrations;
using CrmOps.PowerShell.Cmdlets.Migrations;
using CrmOps.PowerShell.Infrastructure;
using CrmOps.Sandbox;
using CrmOps.Schema;

namespace CrmOps.PowerShell.Cmdlets.Schema;

/// <summary>
/// Drift (the database against the snapshot CrmOps recorded after its last migration) or the differences between two
/// schemas: live databases, snapshots, snapshot files or migration sets replayed into a throwaway sandbox.
/// </summary>
[Cmdlet(VerbsData.Compare, "CrmSchema", DefaultParameterSetName = DriftSet)]
[OutputType(typeof(CrmSchemaDifference))]
public sealed class CompareCrmSchema : CrmCmdlet
{
    private const string DriftSet = "Drift";
    private const string ReferenceSet = "Reference";

    /// <summary>What the schema should be: a CrmConnection, CrmSandbox, CrmSchemaSnapshot, snapshot file, migrations folder or connection string.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ReferenceSet)]
    [ValidateNotNull]
    public object? Reference { get; set; }

    /// <summary>What the schema is (default: -Connection, else the session's database). Same forms as -Reference.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNull]
    public object? Difference { get; set; }

    /// <summary>The reference is this migrations folder (the folder that holds migrations/), replayed into a throwaway sandbox.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MigrationCmdlet.PathSet)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>The reference is the built-in migration set, replayed onto the sample CRM's schema.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MigrationCmdlet.BuiltInSet)]
    public SwitchParameter BuiltIn { get; set; }

    /// <summary>Replay migrations up to and including this version.</summary>
    [Parameter]
    [ValidatePattern("^[0-9]{14}$")]
    public string? Target { get; set; }

    /// <summary>What a replay starts from: Empty (default for a folder) or SampleCrm (the sample CRM's schema; default for -BuiltIn).</summary>
    [Parameter]
    [ValidateSet("Empty", "SampleCrm")]
    public string? ReplayOnto { get; set; }

    /// <summary>Also compare what the platform owns: Supabase's managed schemas, extension members, CrmOps' bookkeeping.</summary>
    [Parameter]
    public SwitchParameter IncludePlatform { get; set; }

    protected override void ProcessCrmRecord()
    {
        // Live databases are read in parallel; replays and the drift lookup talk to the host, so they run here.
        var differenceTask = Resolve(Difference ?? Database, parallel: true);
        var reference = ParameterSetName switch
        {
            DriftSet => SchemaSources.Recorded(ConnectionOf(Difference) ?? Database, CrmHost),
            ReferenceSet => Resolve(Reference!, parallel: false).Result,
            _ => Replay(MigrationPaths.Resolve(this, Path, BuiltIn), BuiltIn ? ReplayBase.SampleCrm : ReplayBase.Empty),
        };
        CrmSchemaSnapshot difference;
        try { difference = differenceTask.Result; }
        catch (AggregateException ae) when (ae.InnerException is CrmException ce) { throw ce; }
        var diffs = SchemaComparer.Compare(SnapshotStore.Load(reference), SnapshotStore.Load(difference),
            Describe(reference), Describe(difference), IncludePlatform);
        CrmHost.WriteVerbose($"{diffs.Count} difference(s) between {Describe(reference)} and {Describe(difference)}.");
        WriteObject(diffs, enumerateCollection: true);
    }

    private static string Describe(CrmSchemaSnapshot s) => s.Source switch
    {
        CrmSchemaSnapshotSource.Live => s.Origin,
        CrmSchemaSnapshotSource.File => $"the snapshot file {s.Origin}",
        CrmSchemaSnapshotSource.Replay => s.Origin,
        CrmSchemaSnapshotSource.Baseline => $"the baseline of {s.Origin} ({s.TakenAt:u})",
        _ => $"the schema of {s.Origin} after {s.Version} ({s.TakenAt:u})",
    };

    /// <summary>One side as a snapshot: a task already finished unless it is a live database read in parallel.</summary>
    private Task<CrmSchemaSnapshot> Resolve(object value, bool parallel)
    {
        var v = value is PSObject pso ? pso.BaseObject : value;
        switch (v)
        {
            case CrmSchemaSnapshot s:
                return Task.FromResult(s);
            case CrmSandbox { Connection: { } sc }:
                return Live(sc, parallel);
            case CrmConnection c:
                return Live(c, parallel);
            case FileInfo fi:
                return Task.FromResult(SchemaSources.FromFile(fi.FullName));
            case DirectoryInfo di:
                return Task.FromResult(Replay(di.FullName, ReplayBase.Empty));
            case string text when !string.IsNullOrWhiteSpace(text):
                string? full = null;
                try { full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(text); }
                catch (Exception ex) when (ex is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException) { /* not a path: a connection string */ }
                if (full != null && File.Exists(full)) return Task.FromResult(SchemaSources.FromFile(full));
                if (full != null && Directory.Exists(full)) return Task.FromResult(Replay(full, ReplayBase.Empty));
                if (!text.Contains('=', StringComparison.Ordinal) && !text.Contains("://", StringComparison.Ordinal))
                    throw new CrmException("SchemaSourceNotFound", CrmErrorKind.ObjectNotFound,
                        $"'{text}' is neither a snapshot file, a migrations folder nor a connection string.", text);
                return Live(CrmSession.ForString(text), parallel);
            default:
                throw new CrmException("SchemaSourceInvalid", CrmErrorKind.InvalidArgument,
                    $"A schema to compare is a CrmConnection, a CrmSandbox, a CrmSchemaSnapshot, a snapshot file, a migrations folder or a connection string, not {v?.GetType().Name ?? "null"}.", v);
        }
    }

    /// <summary>The database a side names, if it names one (drift mode reads that database's recorded snapshot).</summary>
    private static CrmConnection? ConnectionOf(object? value) => (value is PSObject pso ? pso.BaseObject : value) switch
    {
        CrmConnection c => c,
        CrmSandbox { Connection: { } sc } => sc,
        string text when text.Contains('=', StringComparison.Ordinal) || text.Contains("://", StringComparison.Ordinal) => CrmSession.ForString(text),
        _ => null,
    };

    private static Task<CrmSchemaSnapshot> Live(CrmConnection c, bool parallel) =>
        parallel ? Task.Run(() => SchemaSources.Live(c)) : Task.FromResult(SchemaSources.Live(c));

    private CrmSchemaSnapshot Replay(string root, ReplayBase defaultBase)
    {
        var set = MigrationSet.Load(root);
        var from = ReplayOnto is null ? defaultBase : Enum.Parse<ReplayBase>(ReplayOnto, ignoreCase: true);
        // Replayed where the database compared with lives: a Supabase project's default privileges are part of what the set builds.
        var compared = ConnectionOf(Difference) ?? (Difference is null ? Database : null);
        var supabase = compared != null && SchemaSources.IsSupabaseShaped(compared);
        return SchemaReplay.Take(set, Target, from, CrmHost, supabase);
    }
}
