namespace CrmOps;

/// <summary>What a schedule runs: the timeline refresh, the lead scoring, or the refresh then the scoring.</summary>
public enum CrmScheduleTask { Refresh, Score, RefreshAndScore }

/// <summary>The state of a pg_cron run (cron.job_run_details.status).</summary>
public enum CrmScheduleRunStatus
{
    /// <summary>pg_cron is starting the run (starting, connecting, sending).</summary>
    Starting,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// A pg_cron job that CrmOps registered: what it runs, when, and how its last run went. Output of
/// Register-CrmSchedule and Get-CrmSchedule; pipes into Unregister-CrmSchedule by Name.
/// </summary>
public sealed class CrmSchedule
{
    public string Name { get; init; } = "";
    public CrmScheduleTask Task { get; init; }
    /// <summary>The cron expression as pg_cron holds it, read in the server's cron time zone (TimeZone).</summary>
    public string Cron { get; init; } = "";
    public bool Active { get; init; }
    public DateTimeOffset? LastRunAt { get; init; }
    public CrmScheduleRunStatus? LastStatus { get; init; }
    public TimeSpan? LastDuration { get; init; }
    /// <summary>pg_cron's message for the last run: the error of a failed run.</summary>
    public string? LastMessage { get; init; }
    /// <summary>The next time pg_cron will start it (null for an inactive job or an interval in seconds).</summary>
    public DateTimeOffset? NextRunAt { get; init; }
    /// <summary>The time zone pg_cron reads Cron in: cron.timezone, GMT (UTC) unless the server sets it.</summary>
    public string TimeZone { get; init; } = "GMT";
    public long JobId { get; init; }
    /// <summary>The database the job runs in (the CRM's).</summary>
    public string Database { get; init; } = "";
    /// <summary>The role the job runs as (the one that registered it).</summary>
    public string Username { get; init; } = "";
    /// <summary>The SQL pg_cron runs: a DO block calling crmops.run_step until the task is done.</summary>
    public string Command { get; init; } = "";
    /// <summary>Days of score changes the job's scoring keeps (Register-CrmSchedule -KeepDays); null: the default, 400.</summary>
    public int? KeepDays { get; init; }
    public override string ToString() => $"{Name} ({Task}, {Cron})";
}
