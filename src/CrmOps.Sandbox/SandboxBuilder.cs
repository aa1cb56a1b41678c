using System.Diagnostics;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using Npgsql;

namespace CrmOps.Sandbox;

public sealed class SandboxOptions
{
    /// <summary>Customers to generate; the default reproduces the seed's 9,369.</summary>
    public int Customers { get; init; } = SampleDataDefaults.DefaultCustomers;
    public int Seed { get; init; } = SampleDataDefaults.DefaultSeed;
    /// <summary>Schema only, no rows.</summary>
    public bool Empty { get; init; }
    /// <summary>TLS only (a private CA, server certificate for 127.0.0.1 and localhost).</summary>
    public bool Tls { get; init; }
    /// <summary>Load and enable pg_cron when it is installed (false: a server without it, as many are). Not in the Supabase shape.</summary>
    public bool PgCron { get; init; } = true;
    /// <summary>A streaming standby beside it, which the sandbox's connection uses as its read replica.</summary>
    public bool Standby { get; init; }
    /// <summary>Shaped like a hosted Supabase project: non-superuser postgres, API roles, default privileges, a transaction pooler.</summary>
    public bool Supabase { get; init; }
}

/// <summary>Start-CrmSandbox's work: a cluster, the CRM database in it, and (unless Empty) its sample data.</summary>
public static class SandboxBuilder
{
    private const string Activity = "Start-CrmSandbox";

    public static CrmSandbox Start(SandboxOptions options, ICrmHost host)
    {
        void Progress(string status, int percent) => host.WriteProgress(Activity, status, percent);
        if (options.Customers is < SampleDataDefaults.MinCustomers or > SampleDataDefaults.MaxCustomers)
            throw new CrmException("SandboxCustomersOutOfRange", CrmErrorKind.InvalidArgument,
                $"-Customers must be from 100 to 10,000,000 (got {options.Customers}).");
        var clock = Stopwatch.StartNew();
        Progress("Starting a private PostgreSQL cluster", 0);
        var cluster = SandboxCluster.Start(host.WriteVerbose, options.Tls, options.PgCron, options.Supabase);
        CrmConnection? connection = null;
        try
        {
            if (cluster.PoolerMissing != null) host.WriteWarning(cluster.PoolerMissing);
            string? pgCron = null;
            // The Supabase shape keeps the CRM in database postgres (owned by postgres), as a Supabase project does.
            if (!options.Supabase)
            {
                using var admin = new NpgsqlConnection(cluster.ConnectionString("postgres") + ";Pooling=false");
                admin.Open();
                using var create = new NpgsqlCommand(SandboxSql.Get("Sandbox/create-database.sql"), admin);
                create.ExecuteNonQuery();
                if (cluster.PgCron)
                {
                    pgCron = SandboxPgCron.Enable(admin);
                    host.WriteVerbose($"pg_cron {pgCron} keeps its jobs in {SandboxCluster.PgCronDatabase}: Register-CrmSchedule works here.");
                }
            }
            var startup = clock.Elapsed;
            connection = ConnectionFactory.Connect(ConnectionFactory.Resolve(cluster.ConnectionString()), isSandbox: true);
            long customers = 0, orders = 0;
            var load = Stopwatch.StartNew();
            using (var conn = connection.Open())
            {
                if (options.Empty)
                {
                    Progress("Creating the CRM schema", 50);
                    SampleDataLoader.CreateSchema(conn);
                }
                else
                {
                    var loaded = SampleDataLoader.Load(conn, options.Customers, options.Seed,
                        (activity, percent) => Progress(activity, 5 + percent * 95 / 100), host.Cancellation);
                    customers = loaded.Customers;
                    orders = loaded.HumanitixOrders + loaded.EventbriteOrders;
                    // A database setting of an extension's prefix may be set by a superuser only (PostgreSQL 15): the
                    // Supabase shape's postgres is none, so the cluster's superuser records it in either shape.
                    using var admin = new NpgsqlConnection(cluster.SuperuserConnectionString() + ";Pooling=false");
                    admin.Open();
                    using var reference = new NpgsqlCommand(SandboxSql.Fill("Sandbox/reference-date.sql",
                        ("date", SampleDataDefaults.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))), admin);
                    reference.ExecuteNonQuery();
                }
            }
            if (options.Standby)
            {
                Progress("Starting a streaming standby (pg_basebackup)", 97);
                cluster.StartStandby(host.WriteVerbose, host.Cancellation);
                ConnectionFactory.AddReadReplica(connection, ConnectionFactory.Resolve(cluster.ConnectionString()), cluster.StandbyConnectionString()!);
            }
            Progress("Sandbox ready", 100);
            host.WriteVerbose($"Sandbox on 127.0.0.1:{cluster.Port} started in {startup.TotalSeconds:0.00} s, loaded in {load.Elapsed.TotalSeconds:0.00} s.");
            return new CrmSandbox
            {
                ConnectionString = cluster.ConnectionString(),
                Port = cluster.Port,
                DataDirectory = cluster.DataDirectory,
                Database = cluster.CrmDatabase,
                Customers = customers,
                Orders = orders,
                ServerVersion = connection.ServerVersion,
                ProcessId = cluster.ProcessId,
                StartupTime = startup,
                LoadTime = load.Elapsed,
                Connection = connection,
                Cluster = cluster,
                CertificateAuthorityPath = cluster.CertificateAuthorityPath,
                ReferenceDate = options.Empty ? null : SampleDataDefaults.AsOf,
                PgCron = pgCron,
                StandbyPort = cluster.StandbyPort,
                StandbyConnectionString = cluster.StandbyConnectionString(),
                StandbyDataDirectory = cluster.StandbyDataDirectory,
                StandbyProcessId = cluster.StandbyProcessId,
                Supabase = options.Supabase,
                Superuser = cluster.Superuser,
                PoolerPort = cluster.PoolerPort,
                PoolerConnectionString = cluster.PoolerConnectionString(),
            };
        }
        catch (Exception ex)
        {
            connection?.Dispose();
            cluster.Stop();
            if (ex is CrmException) throw;
            throw new CrmException("SandboxStartFailed", CrmErrorKind.ResourceUnavailable,
                $"The sandbox on 127.0.0.1:{cluster.Port} could not be prepared: {ConnectionFactory.FirstLine(ex.Message)}");
        }
    }

    public static void Stop(CrmSandbox sandbox)
    {
        sandbox.Connection?.Dispose();
        sandbox.Cluster?.Stop();
    }
}
