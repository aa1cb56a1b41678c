using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Operations;

/// <summary>Shared by Get- and Export-CrmLeadSegment: the score filters beside -Segment (declared by each, at its own position).</summary>
public abstract class LeadFilterCmdlet : CrmCmdlet
{
    /// <summary>Only leads scoring at least this (6 to 30).</summary>
    [Parameter]
    [ValidateRange(6, 30)]
    public int? MinScore { get; set; }

    /// <summary>Only the best N leads.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }
}
