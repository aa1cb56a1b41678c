using CrmOps.Errors;
using Npgsql;

namespace CrmOps.Operations;

/// <summary>CrmOps' operational log tables (refresh log, scoring runs), created on first use: see <see cref="Bookkeeping.Bookkeeping"/>.</summary>
internal static class OpsSchema
{
    public static void Ensure(NpgsqlConnection conn, string what)
    {
        using var tx = conn.BeginTransaction();
        try
        {
            Bookkeeping.Bookkeeping.Ensure(conn, tx, what);
            tx.Commit();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
        {
            // Another session created them at the same moment: fine.
        }
        catch (CrmException)
        {
            tx.Rollback();
            throw;
        }
    }
}
