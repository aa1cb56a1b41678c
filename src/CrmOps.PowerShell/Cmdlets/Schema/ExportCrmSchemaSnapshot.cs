using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Schema;

namespace CrmOps.PowerShell.Cmdlets.Schema;

/// <summary>Saves a schema snapshot to a file (JSON; gzip-compressed when the name ends in .gz): the piped one, else the database's schema now.</summary>
[Cmdlet(VerbsData.Export, "CrmSchemaSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCrmSchemaSnapshot : Infrastructure.CrmCmdlet
{
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The snapshot to save (from Get-CrmSchemaSnapshot). Default: the schema of -Connection now.</summary>
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public CrmSchemaSnapshot? InputObject { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessCrmRecord()
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        // Several databases (no snapshot piped): one file each, the database named before the extension (schema.prod.json.gz).
        if (InputObject is null) full = PathForDatabase(full);
        if (_written.Contains(full))
            throw new CrmException("SchemaSnapshotOnePerFile", CrmErrorKind.InvalidArgument,
                $"More than one snapshot was piped for '{full}': a file holds one snapshot (pipe one, or export each to its own file).", full);
        if (File.Exists(full) && !Force)
            throw new CrmException("ExportFileExists", CrmErrorKind.ResourceUnavailable, $"'{full}' already exists. Use -Force to overwrite it.", full);
        var what = InputObject?.ToString() ?? $"the schema of {Database}";
        if (!CrmHost.ShouldProcess(full, $"Save {what}")) return;
        var snapshot = InputObject ?? SchemaSources.Live(Database);
        var file = SchemaSources.Save(snapshot, full);
        _written.Add(full);
        CrmHost.WriteVerbose($"Saved {snapshot.Objects} objects to {full} ({file.Length:N0} bytes).");
        WriteObject(file);
    }
}
