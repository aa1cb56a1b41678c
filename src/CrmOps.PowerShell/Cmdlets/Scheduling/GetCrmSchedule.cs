using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;
using CrmOps.Scheduling;

namespace CrmOps.PowerShell.Cmdlets.Scheduling;

/// <summary>Lists the pg_cron jobs CrmOps registered for the database, with their schedule and last run.</summary>
[Cmdlet(VerbsCommon.Get, "CrmSchedule")]
[OutputType(typeof(CrmSchedule))]
public sealed class GetCrmSchedule : CrmCmdlet
{
    /// <summary>Only these schedules (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessCrmRecord() =>
        WriteObject(Scheduler.Get(Database, Name), enumerateCollection: true);
}
