using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Operations;

/// <summary>Creates CrmOps' operational log tables (schema crmops) on first use.</summary>
internal static class OpsSchema
{
    public static void Ensure(NpgsqlConnection conn)
    {
        using (var probe = new NpgsqlCommand(
            "SELECT to_regclass('crmops.refresh_log') IS NOT NULL AND to_regclass('crmops.scoring_runs') IS NOT NULL", conn))
            if ((bool)probe.ExecuteScalar()!) return;
        try
        {
            using var tx = conn.BeginTransaction();
            using (var cmd = new NpgsqlCommand(SqlText.Get("Operations/ops-schema.sql"), conn, tx)) cmd.ExecuteNonQuery();
            tx.Commit();
        }
        catch (PostgresException e) when (e.SqlState is "23505" or "42P07" or "42710")
        {
            // Another session created it at the same moment: fine.
        }
    }

    /// <summary>True when the log tables exist (a read-only role may not be able to create them).</summary>
    public static bool Exists(NpgsqlConnection conn, NpgsqlTransaction? tx, string table)
    {
        using var cmd = new NpgsqlCommand("SELECT to_regclass(@t) IS NOT NULL", conn, tx);
        cmd.Parameters.AddWithValue("t", "crmops." + table);
        return (bool)cmd.ExecuteScalar()!;
    }
}
