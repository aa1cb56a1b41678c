using System.Management.Automation;
using CrmOps.Catalog;
using CrmOps.Errors;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Discovery;

/// <summary>Checks a table's exact row count; a CrmCheckResult, or only $true/$false with -Quiet.</summary>
[ReadsOnly]
[Cmdlet(VerbsDiagnostic.Test, "CrmRowCount")]
[OutputType(typeof(CrmCheckResult))]
[OutputType(typeof(bool))]
public sealed class TestCrmRowCount : TableCmdlet
{
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Minimum { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Maximum { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Expected { get; set; }

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessCrmRecord()
    {
        long? Bound(string name, long value) => MyInvocation.BoundParameters.ContainsKey(name) ? value : null;
        if (Bound(nameof(Minimum), Minimum) is { } min && Bound(nameof(Maximum), Maximum) is { } max && min > max)
            throw new CrmException("RowCountRangeInvalid", CrmErrorKind.InvalidArgument,
                $"-Minimum {min} is above -Maximum {max}: no row count can pass. Swap them.", Table);
        CrmCheckResult result;
        try
        {
            result = CrmCatalog.CheckRowCount(Database, Table, Schema, Bound(nameof(Minimum), Minimum),
                Bound(nameof(Maximum), Maximum), Bound(nameof(Expected), Expected), StopToken);
        }
        catch (CrmException) when (Quiet)
        {
            WriteObject(false);
            throw;
        }
        CrmHost.WriteVerbose(result.Message);
        if (Quiet) WriteObject(result.Passed);
        else WriteObject(result);
    }
}
