using CrmOps.Connections;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Operations;

/// <summary>Creates CrmOps' operational log tables (schema crmops) on first use.</summary>
internal static class OpsSchema
{
    public static void Ensure(NpgsqlConnection conn)
    {
        if (Db.Scalar<bool>(conn, null, SqlText.Get("Operations/ops-schema-exists.sql"))) return;
        try
        {
            using var tx = conn.BeginTransaction();
            using (var cmd = new NpgsqlCommand(SqlText.Get("Operations/ops-schema.sql"), conn, tx)) cmd.ExecuteNonQuery();
            tx.Commit();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
        {
            // Another session created it at the same moment: fine.
        }
    }

    /// <summary>True when the log tables exist (a read-only role may not be able to create them).</summary>
    public static bool Exists(NpgsqlConnection conn, NpgsqlTransaction? tx, string table) => Db.RelationExists(conn, tx, "crmops." + table);
}
