using CrmOps.Errors;
using CrmOps.Scheduling;
using Xunit;

namespace CrmOps.Tests.Scheduling;

public class CronScheduleTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
    private static string? Next(string cron, string after) =>
        CronSchedule.Parse(cron).NextAfter(At(after), Utc)?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0 2 * * *", "2025-10-15T01:00:00Z", "2025-10-15 02:00")]
    [InlineData("0 2 * * *", "2025-10-15T02:00:00Z", "2025-10-16 02:00")] // strictly after
    [InlineData("* * * * *", "2025-10-15T02:00:30Z", "2025-10-15 02:01")]
    [InlineData("*/15 * * * *", "2025-10-15T02:01:00Z", "2025-10-15 02:15")]
    [InlineData("5-59/20 * * * *", "2025-10-15T02:26:00Z", "2025-10-15 02:45")]
    [InlineData("0 8-18 * * 1-5", "2025-10-17T18:30:00Z", "2025-10-20 08:00")] // Friday evening -> Monday
    [InlineData("0 0 1 jan *", "2025-10-15T00:00:00Z", "2026-01-01 00:00")]
    [InlineData("0 12 * * SUN", "2025-10-15T00:00:00Z", "2025-10-19 12:00")]
    [InlineData("0 12 * * 7", "2025-10-15T00:00:00Z", "2025-10-19 12:00")] // 7 is Sunday too
    [InlineData("@daily", "2025-10-15T00:00:00Z", "2025-10-16 00:00")]
    [InlineData("@hourly", "2025-10-15T00:10:00Z", "2025-10-15 01:00")]
    [InlineData("@weekly", "2025-10-15T00:00:00Z", "2025-10-19 00:00")]
    [InlineData("@monthly", "2025-10-15T00:00:00Z", "2025-11-01 00:00")]
    [InlineData("0 0 29 2 *", "2025-03-01T00:00:00Z", "2028-02-29 00:00")]
    [InlineData("0 3 $ * *", "2025-02-10T00:00:00Z", "2025-02-28 03:00")] // last day of the month (pg_cron 1.5+)
    public void Next_run_follows_pg_cron(string cron, string after, string expected) => Assert.Equal(expected, Next(cron, after));

    [Fact]
    public void Day_of_month_and_day_of_week_both_restricted_match_either() =>
        // 13th of the month OR a Friday, as Vixie cron (and pg_cron) read it.
        Assert.Equal("2025-10-13 00:00", Next("0 0 13 * 5", "2025-10-11T00:00:00Z")); // Monday the 13th comes before Friday the 17th

    [Fact]
    public void A_star_step_in_day_of_month_makes_day_of_week_required_too() =>
        // '*/2' starts with '*': pg_cron then wants both (odd days AND Mondays).
        Assert.Equal("2025-10-27 00:00", Next("0 0 */2 * 1", "2025-10-14T00:00:00Z"));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("* * *", "3 field")]
    [InlineData("* * * * * *", "6 field")]
    [InlineData("60 * * * *", "outside 0-59")]
    [InlineData("0 24 * * *", "outside 0-23")]
    [InlineData("0 0 0 * *", "outside 1-31")]
    [InlineData("0 0 * 13 *", "outside 1-12")]
    [InlineData("0 0 * * 8", "outside 0-7")]
    [InlineData("1/5 * * * *", "step after a single value")]
    [InlineData("*/0 * * * *", "not a positive number")]
    [InlineData("0 0 * * funday", "not a number")]
    [InlineData("0,,5 * * * *", "empty list item")]
    [InlineData("@reboot", "server starts")]
    [InlineData("@often", "unknown macro")]
    [InlineData("0 seconds", "from 1 to 59")]
    [InlineData("90 seconds", "from 1 to 59")]
    public void Bad_schedules_say_what_is_wrong(string cron, string why)
    {
        var e = Assert.Throws<CrmException>(() => CronSchedule.Parse(cron));
        Assert.Equal("CronInvalid", e.ErrorId);
        Assert.Equal(CrmErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10 seconds")]
    [InlineData("0 3 $ * *")]
    public void Seconds_and_last_day_need_pg_cron_1_5(string cron)
    {
        var e = Assert.Throws<CrmException>(() => CronSchedule.Parse(cron, extended: false));
        Assert.Equal("CronNeedsNewerPgCron", e.ErrorId);
        Assert.Contains("1.5", e.Message, StringComparison.Ordinal);
        Assert.Equal(10, CronSchedule.Parse("10 seconds").Seconds);
    }

    [Theory]
    [InlineData("Asia/Kolkata", "0 2 * * *", "30 20 * * *")]      // +05:30, across midnight, every day
    [InlineData("Asia/Tokyo", "0 2 * * 1", "0 17 * * 0")]         // Monday 02:00 in Tokyo is Sunday 17:00 UTC
    [InlineData("Asia/Tokyo", "0 10,12 * * *", "0 1,3 * * *")]
    [InlineData("America/Sao_Paulo", "15 22 * * 5", "15 1 * * 6")] // -03:00, Friday night is Saturday in UTC
    [InlineData("Asia/Tokyo", "*/10 * * * *", "*/10 * * * *")]    // every 10 minutes of every hour: no change
    [InlineData("UTC", "0 2 * * *", "0 2 * * *")]
    public void A_schedule_in_a_fixed_offset_zone_is_rewritten_for_utc(string zone, string cron, string expected)
    {
        var (shifted, _) = CronSchedule.Parse(cron).ShiftZone(Scheduler.FindZone(zone), Utc, At("2025-10-15T00:00:00Z"));
        Assert.Equal(expected, shifted.Text);
        // The rewritten schedule runs at the same instants as the original read in its zone.
        var from = At("2025-10-15T00:00:00Z");
        Assert.Equal(CronSchedule.Parse(cron).NextAfter(from, Scheduler.FindZone(zone)), shifted.NextAfter(from, Utc));
    }

    [Fact]
    public void Sydney_uses_the_offset_of_the_next_run()
    {
        var sydney = Scheduler.FindZone("Australia/Sydney");
        Assert.Equal("0 15 * * *", CronSchedule.Parse("0 2 * * *").ShiftZone(sydney, Utc, At("2025-12-01T00:00:00Z")).Shifted.Text); // AEDT +11
        Assert.Equal("0 16 * * *", CronSchedule.Parse("0 2 * * *").ShiftZone(sydney, Utc, At("2025-07-01T00:00:00Z")).Shifted.Text); // AEST +10
    }

    [Theory]
    [InlineData("Asia/Kolkata", "*/15 2 * * *", "minutes do not all move")]
    [InlineData("Asia/Tokyo", "0 */2 * * *", "is a step")]
    [InlineData("Asia/Tokyo", "0 2 15 * *", "another day")]
    [InlineData("Asia/Kolkata", "* 2 * * *", "every minute")]
    public void A_schedule_no_cron_expression_can_say_in_utc_is_refused(string zone, string cron, string why)
    {
        var e = Assert.Throws<CrmException>(() => CronSchedule.Parse(cron).ShiftZone(Scheduler.FindZone(zone), Utc, At("2025-10-15T00:00:00Z")));
        Assert.Equal("CronTimeZoneShift", e.ErrorId);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_time_zone_is_a_clear_error()
    {
        var e = Assert.Throws<CrmException>(() => Scheduler.FindZone("Mars/Olympus_Mons"));
        Assert.Equal("TimeZoneNotFound", e.ErrorId);
    }
}

public class PgCronRequireTests
{
    private static readonly PgCronProbe Ready = new()
    {
        AvailableVersion = "1.4-1", EnabledVersion = "1.4-1", CronDatabase = "crm", Database = "crm", Role = "crm_ops",
        CronUsage = true, CanSchedule = true, CanScheduleInDatabase = false, TasksInstalled = true, CanRunTasks = true,
    };

    private static CrmException Fails(PgCronProbe crm, PgCronProbe? jobs = null, bool write = true) =>
        Assert.Throws<CrmException>(() => PgCron.Require(crm, jobs, "db.example:5432", write));

    [Fact]
    public void A_ready_server_passes()
    {
        Assert.Null(Record.Exception(() => PgCron.Require(Ready, null, "db.example:5432", write: true)));
        Assert.Null(Record.Exception(() => PgCron.Require(Ready, null, "db.example:5432", write: false)));
        // The same server with one precondition gone does not pass: the check above can fail.
        Assert.NotNull(Record.Exception(() => PgCron.Require(Ready with { CronUsage = false }, null, "db.example:5432", write: true)));
    }

    [Fact]
    public void Not_installed_names_the_package_and_the_settings()
    {
        var e = Fails(Ready with { AvailableVersion = null, EnabledVersion = null, CronDatabase = null });
        Assert.Equal("PgCronNotInstalled", e.ErrorId);
        Assert.Equal(CrmErrorKind.NotInstalled, e.Kind);
        Assert.Contains("postgresql-<major>-cron", e.Message, StringComparison.Ordinal);
        Assert.Contains("shared_preload_libraries", e.Message, StringComparison.Ordinal);
        Assert.Contains("Integrations > Cron", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_preloaded_names_shared_preload_libraries()
    {
        var e = Fails(Ready with { EnabledVersion = null, CronDatabase = null });
        Assert.Equal("PgCronNotLoaded", e.ErrorId);
        Assert.Contains("shared_preload_libraries", e.Message, StringComparison.Ordinal);
        Assert.Contains("cron.database_name = 'crm'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void On_supabase_the_dashboard_is_the_way()
    {
        var e = Fails(Ready with { EnabledVersion = null, Supabase = true });
        Assert.Equal("PgCronNotEnabled", e.ErrorId);
        Assert.Contains("Dashboard (Integrations > Cron)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("restart", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_usage_on_schema_cron_names_the_grant()
    {
        var e = Fails(Ready with { CronUsage = false });
        Assert.Equal("PgCronNoPrivilege", e.ErrorId);
        Assert.Equal(CrmErrorKind.PermissionDenied, e.Kind);
        Assert.Contains("grant usage on schema cron to \"crm_ops\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_that_cannot_read_the_settings_gets_the_enable_advice_without_guessing()
    {
        var e = Fails(Ready with { EnabledVersion = null, CronDatabase = null, SettingsReadable = false });
        Assert.Equal("PgCronNotEnabled", e.ErrorId);
        Assert.Contains("may not read the server's settings", e.Message, StringComparison.Ordinal);
        Assert.Contains("create extension pg_cron", e.Message, StringComparison.Ordinal);
        // Enabled here: the jobs are here, whatever the unreadable setting says.
        PgCron.Require(Ready with { CronDatabase = "crm", SettingsReadable = false }, null, "db.example:5432", write: true);
    }

    [Fact]
    public void Too_old_asks_for_an_update() => Assert.Equal("PgCronTooOld", Fails(Ready with { EnabledVersion = "1.3" }).ErrorId);

    [Fact]
    public void Jobs_in_another_database_need_schedule_in_database_there()
    {
        var crm = Ready with { CronDatabase = "postgres", EnabledVersion = null, CronUsage = null, CanSchedule = null };
        var home = Ready with { Database = "postgres", CronDatabase = "postgres", CanScheduleInDatabase = false };
        var e = Fails(crm, home);
        Assert.Equal("PgCronNoPrivilege", e.ErrorId);
        Assert.Contains("cron.schedule_in_database", e.Message, StringComparison.Ordinal);
        PgCron.Require(crm, home, "db.example:5432", write: false); // reading needs no more than USAGE
        PgCron.Require(crm, home with { CanScheduleInDatabase = true }, "db.example:5432", write: true);
        Assert.Equal("PgCronNotEnabled", Fails(crm, home with { EnabledVersion = null }).ErrorId);
    }

    [Fact]
    public void Tasks_missing_point_to_the_built_in_migrations()
    {
        var e = Assert.Throws<CrmException>(() => PgCron.RequireTasks(Ready with { TasksInstalled = false }, "db.example:5432"));
        Assert.Equal("ScheduleTasksNotInstalled", e.ErrorId);
        Assert.Contains("Invoke-CrmMigration -BuiltIn", e.Message, StringComparison.Ordinal);
    }
}
