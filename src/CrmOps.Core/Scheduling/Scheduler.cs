using System.Text.RegularExpressions;
using CrmOps.Catalog;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Scheduling;

public sealed class ScheduleOptions
{
    public string Name { get; init; } = "";
    public CrmScheduleTask Task { get; init; }
    /// <summary>The schedule (cron expression, macro, or 'N seconds' on pg_cron 1.5+).</summary>
    public string Cron { get; init; } = "";
    /// <summary>The time zone -Cron is written in (IANA or Windows id); null: pg_cron's own (cron.timezone, else GMT).</summary>
    public string? TimeZone { get; init; }
    /// <summary>Take over a job of the same name that CrmOps did not register, or that runs in another database.</summary>
    public bool Force { get; init; }
    /// <summary>Days of recorded score changes the job's scoring keeps (1 to 36,500); null: the SQL task's default, 400.</summary>
    public int? KeepDays { get; init; }
}

/// <summary>
/// Register-, Get- and Unregister-CrmSchedule: pg_cron jobs that run CrmOps' SQL tasks (crmops.run_step,
/// built-in migration 20261126150030) in the CRM's database, so a scheduled refresh or scoring does what the
/// cmdlets do and logs where they log, with Trigger Scheduled. A job is CrmOps' when its command calls
/// crmops.run_step; its name is the pg_cron job name (unique per role). When pg_cron keeps its jobs in another
/// database (cron.database_name), the jobs are read and written there, with cron.schedule_in_database.
/// </summary>
public static partial class Scheduler
{
    private const string Activity = "Register-CrmSchedule";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"crmops\.run_step\('(?<task>Refresh|Score|RefreshAndScore)'")]
    private static partial Regex TaskPattern();

    [GeneratedRegex(@"""keep_days"": (?<days>[0-9]+)")]
    private static partial Regex KeepDaysPattern();

    /// <summary>Creates the job, or updates the job of that name. Null when the user declines or for a what-if run.</summary>
    public static CrmSchedule? Register(CrmConnection connection, ScheduleOptions options, ICrmHost host)
    {
        ValidateName(options.Name);
        if (!Enum.IsDefined(options.Task))
            throw new CrmException("ScheduleTaskInvalid", CrmErrorKind.InvalidArgument, $"-Task must be Refresh, Score or RefreshAndScore, not {options.Task}.");
        if (options.KeepDays is { } keep)
        {
            if (keep is < 1 or > 36_500)
                throw new CrmException("ScheduleKeepDaysOutOfRange", CrmErrorKind.InvalidArgument, $"-KeepDays must be from 1 to 36,500, not {keep}.");
            if (options.Task == CrmScheduleTask.Refresh)
                throw new CrmException("ScheduleKeepDaysWithoutScoring", CrmErrorKind.InvalidArgument,
                    "-KeepDays bounds the score changes a scoring run records: give it with -Task Score or RefreshAndScore, not Refresh.");
        }
        CronSchedule.Parse(options.Cron); // the syntax, before connecting; the server's pg_cron version decides '$' and seconds below
        var local = options.TimeZone is { } tzName ? FindZone(tzName) : null;
        var where = $"{connection.Host}:{connection.Port}";
        return WithPgCron(connection, write: true, "Registering the schedule", (conn, jobsConn, crm, home) =>
        {
            PgCron.RequireTasks(crm, where);
            var cron = CronSchedule.Parse(options.Cron, home.Extended);
            var cronZoneName = home.CronTimeZone ?? crm.CronTimeZone ?? "GMT";
            var cronZone = ZoneOrUtc(cronZoneName);
            if (local != null)
            {
                var (shifted, offset) = cron.ShiftZone(local, cronZone, DateTimeOffset.UtcNow);
                if (offset != TimeSpan.Zero)
                    host.WriteVerbose($"'{cron.Text}' in {local.Id} is '{shifted.Text}' in {cronZoneName}, pg_cron's time zone ({local.Id} is {Signed(offset)} from it now).");
                DaylightSavingWarning(cron, shifted, local, cronZone, cronZoneName, host);
                cron = shifted;
            }
            else if (cron.Seconds == 0 && cronZone.BaseUtcOffset == TimeSpan.Zero && TimeZoneInfo.Local.BaseUtcOffset != TimeSpan.Zero
                     && cron.NextAfter(DateTimeOffset.UtcNow, cronZone) is { } firstRun)
            {
                host.WriteVerbose($"pg_cron reads '{cron.Text}' in {cronZoneName}: the next run, {firstRun.UtcDateTime:yyyy-MM-dd HH:mm} {cronZoneName}, is " +
                                  $"{TimeZoneInfo.ConvertTime(firstRun, TimeZoneInfo.Local):yyyy-MM-dd HH:mm} here ({TimeZoneInfo.Local.Id}). Use -TimeZone to write the schedule in local time.");
            }

            var existing = FindOwn(jobsConn, options.Name);
            if (existing is { } e && !options.Force)
            {
                if (!TaskPattern().IsMatch(e.Command))
                    throw new CrmException("ScheduleNameTaken", CrmErrorKind.InvalidOperation,
                        $"Role {home.Role} already has a pg_cron job named '{options.Name}' that CrmOps did not register (it runs: {Shorten(e.Command)}). " +
                        "Choose another -Name, or add -Force to replace that job.", options.Name);
                if (e.Database != crm.Database)
                    throw new CrmException("ScheduleNameTaken", CrmErrorKind.InvalidOperation,
                        $"Role {home.Role}'s pg_cron job '{options.Name}' runs in database {e.Database}, not {crm.Database} (pg_cron job names are unique per role). " +
                        "Choose another -Name, or add -Force to move the job here.", options.Name);
            }

            var command = Db.Scalar<string>(conn, null, SqlText.Get("Scheduling/job-command.sql"), ("task", options.Task.ToString()), ("name", options.Name),
                ("state", options.KeepDays is { } days ? $"{{\"keep_days\": {days.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}" : "{}"));
            var next = cron.NextAfter(DateTimeOffset.UtcNow, cronZone);
            var target = $"pg_cron job '{options.Name}' in database {crm.Database} on {connection}";
            var action = $"Schedule {options.Task} at '{cron.Text}' ({cronZoneName}" + (next is { } n ? $"; next run {n.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "") + ")" +
                         (existing != null ? $", replacing job {existing.JobId}" : "");
            if (!host.ShouldProcess(target, action)) return null;
            host.WriteProgress(Activity, $"Scheduling '{options.Name}'", -1);
            // pg_cron's upsert of a name changes schedule and command only: a job that must move to this database
            // is replaced, in one transaction.
            using (var tx = jobsConn.BeginTransaction())
            {
                if (existing != null && existing.Database != crm.Database)
                    Db.Scalar<bool>(jobsConn, tx, SqlText.Get("Scheduling/unschedule.sql"), ("jobid", existing.JobId));
                if (crm.JobsElsewhere)
                    Db.Scalar<long>(jobsConn, tx, SqlText.Get("Scheduling/schedule-in-database.sql"),
                        ("name", options.Name), ("schedule", cron.Text), ("command", command), ("database", crm.Database));
                else
                    Db.Scalar<long>(jobsConn, tx, SqlText.Get("Scheduling/schedule.sql"), ("name", options.Name), ("schedule", cron.Text), ("command", command));
                tx.Commit();
            }
            host.WriteProgress(Activity, "Done", 100);
            host.WriteVerbose($"pg_cron job '{options.Name}' runs {options.Task} at '{cron.Text}' ({cronZoneName}) in {crm.Database} as {home.Role}.");
            return Jobs(jobsConn, crm, home).Single(j => j.Name == options.Name && j.Username == home.Role);
        });
    }

    /// <summary>CrmOps' pg_cron jobs for the connection's database, with their last run; names may hold wildcards.</summary>
    public static IReadOnlyList<CrmSchedule> Get(CrmConnection connection, IReadOnlyCollection<string>? names)
    {
        var patterns = names is { Count: > 0 }
            ? names.Select(n => new Regex(CatalogPattern.ToRegex(n), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)).ToArray()
            : null;
        return WithPgCron(connection, write: false, "Reading the schedules", (_, jobsConn, crm, home) =>
            Jobs(jobsConn, crm, home).Where(j => patterns == null || patterns.Any(p => p.IsMatch(j.Name))).ToList());
    }

    /// <summary>Removes this role's CrmOps job of that name. Returns the job removed; null when the user declines.</summary>
    public static CrmSchedule? Unregister(CrmConnection connection, string name, ICrmHost host)
    {
        ValidateName(name);
        return WithPgCron(connection, write: false, "Unregistering the schedule", (_, jobsConn, crm, home) =>
        {
            var own = FindOwn(jobsConn, name);
            if (own != null && !TaskPattern().IsMatch(own.Command))
                throw new CrmException("ScheduleNotCrmOps", CrmErrorKind.InvalidOperation,
                    $"The pg_cron job '{name}' of role {home.Role} was not registered by CrmOps (it runs: {Shorten(own.Command)}); CrmOps leaves it alone. " +
                    $"Remove it with: select cron.unschedule({own.JobId});", name);
            var job = own == null ? null : Jobs(jobsConn, crm, home).FirstOrDefault(j => j.JobId == own.JobId);
            if (job == null)
            {
                var others = Jobs(jobsConn, crm, home).Where(j => j.Name == name).Select(j => j.Username).ToList();
                throw new CrmException("ScheduleNotFound", CrmErrorKind.ObjectNotFound,
                    others.Count > 0
                        ? $"The schedule '{name}' in {crm.Database} belongs to role {string.Join(", ", others)}, not {home.Role}: connect as that role to unregister it."
                        : $"There is no CrmOps schedule named '{name}' for role {home.Role} in {crm.Database} on {connection.Host}:{connection.Port}. Get-CrmSchedule lists them.",
                    name);
            }
            if (!host.ShouldProcess($"pg_cron job '{name}' ({job.Task} at '{job.Cron}') in database {crm.Database} on {connection}", "Unregister the schedule"))
                return null;
            Db.Scalar<bool>(jobsConn, null, SqlText.Get("Scheduling/unschedule.sql"), ("jobid", job.JobId));
            host.WriteVerbose($"Removed pg_cron job {job.JobId} '{name}'. Its past runs stay in the refresh and scoring logs.");
            return job;
        });
    }

    /// <summary>The probe, the checks, and the connection to pg_cron's own database when it is another one.</summary>
    private static T WithPgCron<T>(CrmConnection connection, bool write, string what, Func<NpgsqlConnection, NpgsqlConnection, PgCronProbe, PgCronProbe, T> work)
    {
        try
        {
            using var conn = connection.Open();
            var crm = PgCronProbe.Read(conn);
            NpgsqlConnection? other = null;
            try
            {
                PgCronProbe? home = null;
                if (crm.JobsElsewhere)
                {
                    other = connection.OpenDatabase(crm.CronDatabase!);
                    home = PgCronProbe.Read(other);
                }
                else if (!crm.SettingsReadable && crm.EnabledVersion == null && crm.Database != DefaultCronDatabase)
                {
                    // A role that may not read cron.database_name: look where pg_cron keeps its jobs by default.
                    (other, home) = TryDefaultCronDatabase(connection);
                    if (home != null) crm = crm with { CronDatabase = DefaultCronDatabase };
                }
                PgCron.Require(crm, home, $"{connection.Host}:{connection.Port}", write);
                return work(conn, other ?? conn, crm, home ?? crm);
            }
            finally { other?.Dispose(); }
        }
        catch (Exception ex) when (ex is not CrmException)
        {
            throw Db.Translate(ex, connection, what);
        }
    }

    /// <summary>pg_cron's default cron.database_name.</summary>
    private const string DefaultCronDatabase = "postgres";

    private static (NpgsqlConnection?, PgCronProbe?) TryDefaultCronDatabase(CrmConnection connection)
    {
        NpgsqlConnection? conn = null;
        try
        {
            conn = connection.OpenDatabase(DefaultCronDatabase);
            var probe = PgCronProbe.Read(conn);
            if (probe.EnabledVersion != null) return (conn, probe with { CronDatabase = DefaultCronDatabase });
        }
        catch (Exception ex) when (ex is CrmException or NpgsqlException) { /* cannot look there: the error says what is known */ }
        conn?.Dispose();
        return (null, null);
    }

    private static List<CrmSchedule> Jobs(NpgsqlConnection jobsConn, PgCronProbe crm, PgCronProbe home)
    {
        var zoneName = home.CronTimeZone ?? crm.CronTimeZone ?? "GMT";
        var zone = ZoneOrUtc(zoneName);
        var now = DateTimeOffset.UtcNow;
        var list = new List<CrmSchedule>();
        using var cmd = new NpgsqlCommand(SqlText.Get("Scheduling/jobs.sql"), jobsConn);
        cmd.Parameters.AddWithValue("database", crm.Database);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var command = r.GetString(3);
            var match = TaskPattern().Match(command);
            if (!match.Success) continue;
            var schedule = r.GetString(2);
            var active = r.GetBoolean(4);
            DateTimeOffset? next = null;
            if (active)
            {
                try { next = CronSchedule.Parse(schedule).NextAfter(now, zone); }
                catch (CrmException) { /* a schedule pg_cron accepts and this parser does not: no next run shown */ }
            }
            DateTimeOffset? start = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7);
            DateTimeOffset? end = r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8);
            list.Add(new CrmSchedule
            {
                JobId = r.GetInt64(0), Name = r.IsDBNull(1) ? "" : r.GetString(1), Cron = schedule, Command = command, Active = active,
                Database = r.GetString(5), Username = r.GetString(6), Task = Enum.Parse<CrmScheduleTask>(match.Groups["task"].Value),
                LastRunAt = start, LastDuration = start != null && end != null ? end - start : null,
                LastStatus = r.IsDBNull(9) ? null : RunStatus(r.GetString(9)), LastMessage = r.IsDBNull(10) ? null : Trim(r.GetString(10)),
                NextRunAt = next, TimeZone = zoneName,
                KeepDays = KeepDaysPattern().Match(command) is { Success: true } kd ? int.Parse(kd.Groups["days"].Value, System.Globalization.CultureInfo.InvariantCulture) : null,
            });
        }
        return list;
    }

    private sealed record OwnJob(long JobId, string Command, string Database);

    private static OwnJob? FindOwn(NpgsqlConnection jobsConn, string name)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Scheduling/job-by-name.sql"), jobsConn);
        cmd.Parameters.AddWithValue("name", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new OwnJob(r.GetInt64(0), r.GetString(1), r.GetString(2)) : null;
    }

    private static CrmScheduleRunStatus RunStatus(string s) => s switch
    {
        "succeeded" => CrmScheduleRunStatus.Succeeded,
        "failed" => CrmScheduleRunStatus.Failed,
        "running" => CrmScheduleRunStatus.Running,
        _ => CrmScheduleRunStatus.Starting,
    };

    private static void ValidateName(string? name)
    {
        if (name == null || !NamePattern().IsMatch(name))
            throw new CrmException("ScheduleNameInvalid", CrmErrorKind.InvalidArgument,
                $"'{name}' is not a schedule name: use 1 to 63 letters, digits, '_', '-', '.' or ':', starting with a letter or digit (e.g. 'nightly').", name);
    }

    /// <summary>A time zone by IANA or Windows id.</summary>
    public static TimeZoneInfo FindZone(string id)
    {
        if (id.Equals("UTC", StringComparison.OrdinalIgnoreCase) || id.Equals("GMT", StringComparison.OrdinalIgnoreCase)) return TimeZoneInfo.Utc;
        try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new CrmException("TimeZoneNotFound", CrmErrorKind.InvalidArgument,
                $"'{id}' is not a time zone this machine knows: use an IANA name such as 'Australia/Sydney' or 'UTC' ([TimeZoneInfo]::GetSystemTimeZones() lists them).", id);
        }
    }

    private static TimeZoneInfo ZoneOrUtc(string id)
    {
        try { return FindZone(id); }
        catch (CrmException) { return TimeZoneInfo.Utc; }
    }

    /// <summary>A fixed rewrite cannot follow the local zone's daylight saving: say when the local time of the runs will move.</summary>
    private static void DaylightSavingWarning(CronSchedule local, CronSchedule shifted, TimeZoneInfo zone, TimeZoneInfo cronZone, string cronZoneName, ICrmHost host)
    {
        if (local.Seconds > 0) return;
        var now = DateTimeOffset.UtcNow;
        var offsetNow = zone.GetUtcOffset(now) - cronZone.GetUtcOffset(now);
        for (var d = 1; d <= 366; d++)
        {
            var t = now.AddDays(d);
            var offset = zone.GetUtcOffset(t) - cronZone.GetUtcOffset(t);
            if (offset == offsetNow) continue;
            var change = now.AddDays(d - 1);
            while (zone.GetUtcOffset(change) - cronZone.GetUtcOffset(change) == offsetNow) change = change.AddHours(1);
            host.WriteWarning($"{zone.Id} moves from {Signed(offsetNow)} to {Signed(offset)} against {cronZoneName} on {change:yyyy-MM-dd} (daylight saving): " +
                              $"pg_cron keeps '{shifted.Text}' in {cronZoneName}, so from then on '{local.Text}' runs {Math.Abs((offset - offsetNow).TotalMinutes):0} minutes " +
                              $"{(offset > offsetNow ? "later" : "earlier")} in {zone.Id} time. Register it again after the change, or have the server read schedules in " +
                              $"{zone.Id} (cron.timezone, pg_cron 1.5+) and leave out -TimeZone.");
            return;
        }
    }

    private static string Signed(TimeSpan t) => (t < TimeSpan.Zero ? "-" : "+") + t.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static string Shorten(string s)
    {
        var one = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return one.Length <= 80 ? one : one[..77] + "...";
    }

    private static string Trim(string s) => s.Trim();
}
