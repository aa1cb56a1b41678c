using CrmOps.Connections;
using CrmOps.Hosting;
using CrmOps.Sandbox;
using CrmOps.Scheduling;
using CrmOps.Tests.Sandbox;
using Npgsql;
using Xunit;

namespace CrmOps.Tests.Scheduling;

/// <summary>
/// A CRM in another database than the one pg_cron keeps its jobs in (cron.database_name): the job is written
/// there with cron.schedule_in_database and runs in the CRM's database. The server of CRMOPS_TEST_PG is an empty
/// sandbox whose pg_cron keeps its jobs in 'postgres' (pg_cron's default); the CRM here is a throw-away database beside it.
/// </summary>
public class SchedulerDatabaseTests
{
    private static object? Scalar(NpgsqlConnection conn, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn);
        return cmd.ExecuteScalar();
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "CrmOps.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CrmOps.sln not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void A_crm_in_another_database_is_scheduled_from_pg_crons_own_database()
    {
        using var db = SampleDatabase.Create();
        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("CRMOPS_TEST_PG")) { Pooling = false, Database = "postgres" }.ConnectionString;
        using var cron = new NpgsqlConnection(admin);
        cron.Open();
        Assert.Equal("postgres", Scalar(cron, "select current_setting('cron.database_name')"));

        using (var conn = db.Open())
        {
            SampleDataLoader.Load(conn);
            foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot(), "module", "migrations", "migrations"), "*.sql").Order())
            {
                using var cmd = new NpgsqlCommand(File.ReadAllText(file), conn);
                cmd.ExecuteNonQuery();
            }
        }

        using var crm = ConnectionFactory.Connect(db.ConnectionString);
        var name = "xdb-" + db.Name[^6..];
        try
        {
            var s = Scheduler.Register(crm, new ScheduleOptions { Name = name, Task = CrmScheduleTask.RefreshAndScore, Cron = "0 2 * * *" }, new NullHost());
            Assert.NotNull(s);
            Assert.Equal(db.Name, s!.Database);
            Assert.Equal(db.Name, Scalar(cron, $"select database from cron.job where jobname = '{name}'"));
            Assert.Single(Scheduler.Get(crm, [name]));

            // The job's command, run in the CRM's database as pg_cron would run it there.
            using (var conn = db.Open())
            {
                var command = (string)Scalar(cron, $"select command from cron.job where jobname = '{name}'")!;
                using (var cmd = new NpgsqlCommand(command, conn)) cmd.ExecuteNonQuery();
                Assert.Equal("Succeeded,Scheduled," + name, Scalar(conn, "select concat_ws(',', status, trigger, schedule) from supabase_migrations.crmops_refresh_log"));
                Assert.Equal("Full,Succeeded,9369", Scalar(conn, "select concat_ws(',', mode, status, changed) from supabase_migrations.crmops_scoring_runs"));
            }

            Assert.NotNull(Scheduler.Unregister(crm, name, new NullHost()));
            Assert.Equal(0L, Scalar(cron, $"select count(*) from cron.job where jobname = '{name}'"));
        }
        finally
        {
            Scalar(cron, $"select count(cron.unschedule(jobid)) from cron.job where jobname = '{name}'");
        }
    }
}
