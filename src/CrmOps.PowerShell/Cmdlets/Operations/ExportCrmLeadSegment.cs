using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Get-CrmLeadSegment | Export-Csv, done by the server with COPY: same columns, ISO dates, several times faster.</summary>
[ReadsOnly]
[Cmdlet(VerbsData.Export, "CrmLeadSegment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCrmLeadSegment : LeadFilterCmdlet
{
    [Parameter(Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Position = 1)]
    public CrmSegment[]? Segment { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessCrmRecord()
    {
        // Several databases: one file each, the database named before the extension (leads.prod.csv).
        var full = PathForDatabase(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
        if (File.Exists(full) && !Force)
            throw new CrmException("ExportFileExists", CrmErrorKind.ResourceUnavailable,
                $"'{full}' already exists. Use -Force to overwrite it.", full);
        if (!CrmHost.ShouldProcess(full, "Export leads to CSV")) return;
        var rows = LeadReports.ExportLeads(Database, Segment, MinScore, Top, full, StopToken);
        CrmHost.WriteVerbose($"Exported {rows:N0} leads to {full}.");
        if (rows == 0) CrmHost.WriteInformation(LeadReports.WhyNoLeads(Database, Segment, MinScore) + $" ('{full}' holds the header only.)");
        WriteObject(new FileInfo(full));
    }
}
