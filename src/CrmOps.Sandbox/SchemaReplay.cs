using System.Diagnostics;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Migrations;
using CrmOps.Schema;
using Npgsql;

namespace CrmOps.Sandbox;

/// <summary>What a replay starts from.</summary>
public enum ReplayBase
{
    /// <summary>An empty database (a Supabase project's migrations build everything from nothing).</summary>
    Empty,
    /// <summary>The sample CRM's schema without rows (what the built-in migrations are written against).</summary>
    SampleCrm,
}

/// <summary>
/// The schema a migration set builds: its scripts replayed, in version order up to a target, into a throwaway sandbox
/// (an empty database, or the sample CRM's schema), then read as a snapshot; the sandbox is gone when this returns.
/// </summary>
public static class SchemaReplay
{
    public static CrmSchemaSnapshot Take(MigrationSet set, string? target, ReplayBase from, ICrmHost host, bool supabase = false)
    {
        var clock = Stopwatch.StartNew();
        var onto = (from == ReplayBase.SampleCrm ? "the sample CRM's schema" : "an empty database") + (supabase ? " in a Supabase-shaped sandbox" : "");
        host.WriteProgress("Replaying migrations into a throwaway sandbox", "Starting a private PostgreSQL cluster", 0);
        // Supabase-shaped when the database compared with is: its default privileges grant the API roles what the set creates.
        var cluster = SandboxCluster.Start(host.WriteVerbose, pgCron: false, supabase: supabase);
        try
        {
            if (!supabase) // the Supabase shape keeps the CRM in database postgres, which exists
            using (var admin = new NpgsqlConnection(cluster.ConnectionString("postgres") + ";Pooling=false"))
            {
                admin.Open();
                using var create = new NpgsqlCommand(SandboxSql.Get("Sandbox/create-database.sql"), admin);
                create.ExecuteNonQuery();
            }
            using var conn = new NpgsqlConnection(cluster.ConnectionString() + ";Pooling=false");
            conn.Open();
            if (from == ReplayBase.SampleCrm) SampleDataLoader.CreateSchema(conn);
            var last = MigrationReplay.Run(conn, set, target, onto, host);
            var snapshot = SchemaSnapshot.Take(conn, null);
            host.WriteVerbose($"Replayed '{set.Root}' up to {last ?? "(nothing)"} onto {onto} in {clock.Elapsed.TotalSeconds:0.00} s ({snapshot.Objects.Count} objects).");
            return SnapshotStore.Describe(snapshot, CrmSchemaSnapshotSource.Replay,
                $"{set.Root} replayed{(last is null ? "" : " up to " + last)} onto {onto}", last);
        }
        catch (NpgsqlException ex)
        {
            throw new CrmException("SchemaReplayFailed", CrmErrorKind.ResourceUnavailable,
                $"Replaying '{set.Root}' into a throwaway sandbox failed: {ConnectionFactory.FirstLine(ex.Message)}", set.Root);
        }
        finally
        {
            cluster.Stop();
        }
    }
}
