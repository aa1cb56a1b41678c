using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Connections;

/// <summary>Where a read replica stood when a command asked (Sql/Common/replica-lag.sql).</summary>
public sealed record ReplicaState(bool InRecovery, double LagSeconds, bool ReplayPaused, bool Receiving);

/// <summary>
/// Picks the server a read-only command uses: the connection's read replica when it can be reached and is no more
/// than <see cref="CrmConnection.MaxReplicaLag"/> behind, else the primary, with a warning that says why. Commands
/// that change data or need the latest state never come here: they use the primary.
/// </summary>
public static class ReplicaRouting
{
    public static CrmConnection ForReading(CrmConnection connection, ICrmHost host)
    {
        if (connection.Replica is not { } replica) return connection;
        ReplicaState state;
        try
        {
            state = Probe(replica);
        }
        catch (CrmException ex)
        {
            host.WriteWarning($"The read replica {connection.ReadReplica} cannot be used ({ex.Message}): reading from the primary {connection} instead.");
            return connection;
        }
        var limit = connection.MaxReplicaLag.TotalSeconds;
        if (!state.InRecovery)
        {
            host.WriteVerbose($"Reading from {connection.ReadReplica}: it is not in recovery (a primary, or a promoted replica), so it is current.");
            return replica;
        }
        if (state.LagSeconds > limit)
        {
            var why = state.ReplayPaused ? "replay is paused"
                : !state.Receiving ? "it is not receiving WAL from its primary"
                : "it has not replayed what it received";
            var behind = double.IsInfinity(state.LagSeconds) ? "has replayed no transaction yet" : $"is {state.LagSeconds:0.#} s behind";
            host.WriteWarning($"The read replica {connection.ReadReplica} {behind} ({why}; the limit is {limit:0.#} s, -MaxReplicaLag): reading from the primary {connection} instead.");
            return connection;
        }
        host.WriteVerbose($"Reading from the read replica {connection.ReadReplica} ({state.LagSeconds:0.#} s behind; limit {limit:0.#} s).");
        return replica;
    }

    /// <summary>Where the connection's read replica stands now (null when it has none); a CrmException when it cannot be reached.</summary>
    public static ReplicaState? ProbeReplicaOf(CrmConnection connection) => connection.Replica is { } r ? Probe(r) : null;

    /// <summary>One round trip on the replica (one connection attempt: a replica that is down means the primary, at once).</summary>
    internal static ReplicaState Probe(CrmConnection replica)
    {
        using var conn = ConnectionFactory.OpenChecked(replica, attempts: 1);
        try
        {
            using var cmd = new NpgsqlCommand(SqlText.Get("Common/replica-lag.sql"), conn);
            using var r = cmd.ExecuteReader();
            r.Read();
            return new ReplicaState(r.GetBoolean(0), r.GetDouble(1), r.GetBoolean(2), r.GetBoolean(3));
        }
        catch (Exception ex) when (ex is not CrmException)
        {
            throw Db.Translate(ex, replica, "Checking the read replica's lag");
        }
    }
}
