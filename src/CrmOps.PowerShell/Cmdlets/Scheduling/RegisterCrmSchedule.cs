using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;
using CrmOps.Scheduling;

namespace CrmOps.PowerShell.Cmdlets.Scheduling;

/// <summary>Schedules the timeline refresh and/or the lead scoring as a pg_cron job inside the database; registering a name again updates its job.</summary>
[Cmdlet(VerbsLifecycle.Register, "CrmSchedule", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CrmSchedule))]
public sealed class RegisterCrmSchedule : CrmCmdlet
{
    /// <summary>The pg_cron job name (unique per role).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public CrmScheduleTask Task { get; set; }

    /// <summary>The schedule: five cron fields ('0 2 * * *'), a macro (@daily), or 'N seconds' on pg_cron 1.5+.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Cron { get; set; } = "";

    /// <summary>The time zone -Cron is written in; CrmOps rewrites it for pg_cron's (cron.timezone, else GMT).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    /// <summary>Replace a job of that name that CrmOps did not register, or that runs in another database.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Days of recorded score changes the job's scoring keeps (default 400), as Update-CrmLeadScore -KeepDays.</summary>
    [Parameter]
    [ValidateRange(1, 36_500)]
    public int? KeepDays { get; set; }

    protected override void ProcessCrmRecord()
    {
        var options = new ScheduleOptions { Name = Name, Task = Task, Cron = Cron, TimeZone = TimeZone, Force = Force, KeepDays = KeepDays };
        if (Scheduler.Register(Database, options, CrmHost) is { } schedule) WriteObject(schedule);
    }
}
