using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Operations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>One self-contained HTML report (inline SVG charts and tables) for the people who act on lead scores.</summary>
[ReadsOnly]
[Cmdlet(VerbsData.Export, "CrmLeadReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportCrmLeadReport : CrmCmdlet
{
    [Parameter(Position = 0, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The instant the report is about (default: the latest scoring run's as-of instant).</summary>
    [Parameter]
    public DateTimeOffset? AsOf { get; set; }

    /// <summary>Movements since this date or run (default: 7 days before -AsOf).</summary>
    [Parameter]
    public object? Since { get; set; }

    /// <summary>Rows of the top-leads table and at most this many rows per movement table (default 25).</summary>
    [Parameter]
    [ValidateRange(1, 10_000)]
    public int Top { get; set; } = 25;

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessCrmRecord()
    {
        // Several databases: one report each, the database named before the extension (leads.prod.html).
        var full = PathForDatabase(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path));
        if (File.Exists(full) && !Force)
            throw new CrmException("ReportFileExists", CrmErrorKind.ResourceUnavailable, $"'{full}' already exists. Use -Force to overwrite it.", full);
        if (!CrmHost.ShouldProcess(full, "Write the lead report")) return;
        var since = Since is null ? (DateTimeOffset?)null : GetCrmLeadMovement.ToBaseline(Since).Since;
        WriteObject(LeadReportWriter.Export(Database, full, new LeadReportOptions { AsOf = AsOf, Since = since, Top = Top }, StopToken));
    }
}
