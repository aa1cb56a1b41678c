using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Scheduling;

/// <summary>What one database says about pg_cron (Sql/Scheduling/probe.sql).</summary>
public sealed record PgCronProbe
{
    /// <summary>The version the server could install (pg_available_extensions); null: the package is not installed.</summary>
    public string? AvailableVersion { get; init; }
    /// <summary>The version enabled in this database (pg_extension); null: CREATE EXTENSION was not run here.</summary>
    public string? EnabledVersion { get; init; }
    /// <summary>cron.database_name; null: pg_cron was not loaded at server start (shared_preload_libraries).</summary>
    public string? CronDatabase { get; init; }
    /// <summary>cron.timezone (pg_cron 1.5+); null before, when pg_cron reads schedules in GMT.</summary>
    public string? CronTimeZone { get; init; }
    public string Database { get; init; } = "";
    public string Role { get; init; } = "";
    /// <summary>A Supabase project (the supabase_admin role exists).</summary>
    public bool Supabase { get; init; }
    public bool? CronUsage { get; init; }
    public bool? CanSchedule { get; init; }
    public bool? CanScheduleInDatabase { get; init; }
    public bool TasksInstalled { get; init; }
    public bool? CanRunTasks { get; init; }
    /// <summary>The role may read pg_cron's settings (superuser-only: superuser or pg_read_all_settings).</summary>
    public bool SettingsReadable { get; init; } = true;

    public static PgCronProbe Read(NpgsqlConnection conn)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Scheduling/probe.sql"), conn);
        using var r = cmd.ExecuteReader();
        r.Read();
        static bool? B(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetBoolean(i);
        static string? S(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
        var probe = new PgCronProbe
        {
            AvailableVersion = S(r, 0), EnabledVersion = S(r, 1), CronDatabase = S(r, 2), CronTimeZone = S(r, 3),
            Database = r.GetString(4), Role = r.GetString(5), Supabase = r.GetBoolean(6), CronUsage = B(r, 7),
            CanSchedule = B(r, 8), CanScheduleInDatabase = B(r, 9), TasksInstalled = r.GetBoolean(10), CanRunTasks = B(r, 11),
            SettingsReadable = r.GetBoolean(12),
        };
        // A role that may not read the settings: pg_cron enabled here means it keeps its jobs here (CREATE EXTENSION
        // pg_cron only works in cron.database_name).
        return !probe.SettingsReadable && probe.EnabledVersion != null ? probe with { CronDatabase = probe.Database } : probe;
    }

    /// <summary>pg_cron keeps its jobs in another database than this one.</summary>
    public bool JobsElsewhere => CronDatabase != null && CronDatabase != Database;

    /// <summary>Whether pg_cron's version has '$' and 'N seconds' (1.5 and later).</summary>
    public bool Extended => EnabledVersion is { } v && Version.TryParse(v.Split('-')[0], out var ver) && ver >= new Version(1, 5);
}

/// <summary>
/// Why pg_cron cannot be used from a database, as one error that says which of the preconditions is
/// missing and how to enable it, on Supabase and on a server of one's own.
/// </summary>
public static class PgCron
{
    public static readonly Version MinimumVersion = new(1, 4);

    /// <summary>
    /// Checks what the CRM database's probe says (and, when pg_cron keeps its jobs in another database, that
    /// database's probe). Throws the first missing precondition; returns when schedules can be read
    /// (and, with <paramref name="write"/>, registered).
    /// </summary>
    public static void Require(PgCronProbe crm, PgCronProbe? jobs, string where, bool write)
    {
        var supabaseHow = "on Supabase, enable it in the Dashboard (Integrations > Cron) or run 'create extension pg_cron with schema pg_catalog;'";
        if (crm.AvailableVersion == null && crm.EnabledVersion == null && crm.CronDatabase == null)
            throw new CrmException("PgCronNotInstalled", CrmErrorKind.NotInstalled,
                $"pg_cron is not installed on {where}, so CrmOps cannot schedule jobs in the database. " +
                (crm.Supabase ? $"To use it {supabaseHow}." :
                    "Install the package (Debian/Ubuntu: apt-get install postgresql-<major>-cron; RHEL: pg_cron_<major>), add pg_cron to shared_preload_libraries " +
                    $"and set cron.database_name = '{crm.Database}' in postgresql.conf, restart the server, then run 'create extension pg_cron;' ({supabaseHow})."))
            { RecommendedAction = "install pg_cron" };
        if (crm.CronDatabase == null && !crm.SettingsReadable)
            throw new CrmException("PgCronNotEnabled", CrmErrorKind.NotInstalled,
                $"pg_cron is installed on {where} but not enabled in database {crm.Database}, and role {crm.Role} may not read the server's settings " +
                "to tell whether it is loaded (shared_preload_libraries) or keeps its jobs in another database (cron.database_name). " +
                (crm.Supabase ? $"To use it {supabaseHow}." :
                    $"Ask a superuser to load it (shared_preload_libraries = 'pg_cron', cron.database_name = '{crm.Database}', restart) and run 'create extension pg_cron;' in {crm.Database} ({supabaseHow})."))
            { RecommendedAction = "create extension pg_cron" };
        if (crm.CronDatabase == null)
            throw new CrmException("PgCronNotLoaded", CrmErrorKind.NotInstalled,
                $"pg_cron is installed on {where} but not loaded: it is not in shared_preload_libraries. " +
                (crm.Supabase ? $"To use it {supabaseHow}." :
                    $"Add pg_cron to shared_preload_libraries and set cron.database_name = '{crm.Database}' in postgresql.conf, restart the server, " +
                    $"then run 'create extension pg_cron;' in {crm.Database} ({supabaseHow})."))
            { RecommendedAction = "shared_preload_libraries = 'pg_cron'" };
        var home = jobs ?? crm;
        if (crm.JobsElsewhere && jobs == null)
            throw new InvalidOperationException("The probe of pg_cron's own database is missing.");
        if (home.EnabledVersion == null)
            throw new CrmException("PgCronNotEnabled", CrmErrorKind.NotInstalled,
                $"pg_cron is loaded on {where} but not enabled in database {home.Database}, where it keeps its jobs (cron.database_name). " +
                (crm.Supabase ? $"To use it {supabaseHow}." : $"Run 'create extension pg_cron;' in {home.Database} as a superuser ({supabaseHow})."))
            { RecommendedAction = "create extension pg_cron" };
        if (Version.TryParse(home.EnabledVersion.Split('-')[0], out var version) && version < MinimumVersion)
            throw new CrmException("PgCronTooOld", CrmErrorKind.NotInstalled,
                $"pg_cron {home.EnabledVersion} in database {home.Database} is too old: CrmOps needs {MinimumVersion} or later (named jobs, schedule_in_database). " +
                "Install a newer package and run 'alter extension pg_cron update;'.")
            { RecommendedAction = "alter extension pg_cron update" };
        if (home.CronUsage != true)
            throw new CrmException("PgCronNoPrivilege", CrmErrorKind.PermissionDenied,
                $"Role {home.Role} has no USAGE on schema cron in database {home.Database}, so it can neither see nor schedule pg_cron jobs. " +
                (crm.Supabase ? "On Supabase run 'grant usage on schema cron to postgres; grant all privileges on all tables in schema cron to postgres;', or use the postgres role."
                    : $"A superuser must run 'grant usage on schema cron to {Identifier.Quote(home.Role)};' in {home.Database}."))
            { RecommendedAction = "grant usage on schema cron" };
        if (!write) return;
        if (crm.JobsElsewhere && home.CanScheduleInDatabase != true)
            throw new CrmException("PgCronNoPrivilege", CrmErrorKind.PermissionDenied,
                $"pg_cron keeps its jobs in database {home.Database}, not in {crm.Database}, and role {home.Role} may not call cron.schedule_in_database there (pg_cron revokes it from PUBLIC). " +
                $"A superuser must run 'grant execute on function cron.schedule_in_database(text,text,text,text,text,boolean) to {Identifier.Quote(home.Role)};' in {home.Database}, " +
                $"or set cron.database_name = '{crm.Database}' and restart.")
            { RecommendedAction = "grant execute on function cron.schedule_in_database" };
        if (!crm.JobsElsewhere && home.CanSchedule != true)
            throw new CrmException("PgCronNoPrivilege", CrmErrorKind.PermissionDenied,
                $"Role {home.Role} may not call cron.schedule in database {home.Database}. A superuser must run 'grant execute on function cron.schedule(text,text,text) to {Identifier.Quote(home.Role)};'.")
            { RecommendedAction = "grant execute on function cron.schedule" };
    }

    /// <summary>The built-in migration with the SQL tasks is applied, and this role may run them (the job runs as this role).</summary>
    public static void RequireTasks(PgCronProbe crm, string where)
    {
        if (!crm.TasksInstalled)
            throw new CrmException("ScheduleTasksNotInstalled", CrmErrorKind.ObjectNotFound,
                $"The SQL tasks a schedule runs (crmops.run_step) are not installed in {crm.Database} on {where}: apply the built-in migrations first: Invoke-CrmMigration -BuiltIn.")
            { RecommendedAction = "Invoke-CrmMigration -BuiltIn" };
        if (crm.CanRunTasks != true)
            throw new CrmException("PgCronNoPrivilege", CrmErrorKind.PermissionDenied,
                $"Role {crm.Role} may not execute crmops.run_step in {crm.Database}, and a pg_cron job runs as the role that registers it. " +
                "Register the schedule as the role that owns the CRM's tables, or have it grant execute on the crmops functions to you.")
            { RecommendedAction = "grant execute on function crmops.run_step" };
    }
}
