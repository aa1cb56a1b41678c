using System.Management.Automation;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Get-CrmLeadSegment | Export-Csv, done by the server with COPY: same columns, ISO dates, several times faster.</summary>
[Cmdlet(VerbsData.Export, "CrmLeadSegment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCrmLeadSegment : CrmCmdlet
{
    [Parameter(Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter(Position = 1)]
    public CrmSegment[]? Segment { get; set; }

    [Parameter]
    [ValidateRange(6, 30)]
    public int? MinScore { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessCrmRecord()
    {
        var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(full) && !Force)
            throw new Errors.CrmException("ExportFileExists", Errors.CrmErrorKind.ResourceUnavailable,
                $"'{full}' already exists. Use -Force to overwrite it.", full);
        if (!ShouldProcess(full, "Export leads to CSV")) return;
        var rows = LeadReports.ExportLeads(Target, Segment, MinScore, Top, full, StopToken);
        WriteVerbose($"Exported {rows:N0} leads to {full}.");
        WriteObject(new FileInfo(full));
    }
}
