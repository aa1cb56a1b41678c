using CrmOps.Connections;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Migrations;

/// <summary>A run without a transaction that started and did not finish (its latest history row is a start or failure row).</summary>
public sealed record IncompleteRun(string Version, CrmMigrationDirection Direction, DateTimeOffset StartedAt, string StartedBy, string Message);

/// <summary>One version's state as recorded in the database.</summary>
public sealed record HistoryEntry(string Version, string? Name, string? Checksum, CrmMigrationDirection Direction,
    DateTimeOffset? AppliedAt, string? AppliedBy, bool Transactional, bool FromSupabaseOnly);

/// <summary>
/// The history: CrmOps' own table crmops.migration_history (created on demand) and, when it exists, Supabase's
/// supabase_migrations.schema_migrations, written in the same transaction so that both always agree.
/// </summary>
internal static class MigrationHistory
{
    internal sealed record Tables(bool Crmops, bool Supabase, bool SupabaseName, bool SupabaseStatements);

    public static Tables Probe(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/history_exists.sql"), conn, tx);
        using var r = cmd.ExecuteReader();
        r.Read();
        return new Tables(r.GetBoolean(0), r.GetBoolean(1), r.GetBoolean(2), r.GetBoolean(3));
    }

    public static void Ensure(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/ensure_history.sql"), conn, tx);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Latest state per version; versions only in Supabase's table count as applied (checksum unknown).</summary>
    public static Dictionary<string, HistoryEntry> Read(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        var result = new Dictionary<string, HistoryEntry>(StringComparer.Ordinal);
        var t = Probe(conn, tx);
        if (t.Crmops)
        {
            using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/history.sql"), conn, tx);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                result[r.GetString(0)] = new HistoryEntry(r.GetString(0), r.StringOrNull(1),
                    r.StringOrNull(2),
                    r.GetString(3) == "up" ? CrmMigrationDirection.Up : CrmMigrationDirection.Down,
                    r.GetFieldValue<DateTimeOffset>(4), r.GetString(5), r.GetBoolean(6), false);
        }
        if (t.Supabase)
        {
            using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/supabase_versions.sql"), conn, tx);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var v = r.GetString(0);
                // Our rollbacks delete Supabase's row in the same transaction, so a row there after our "down" means
                // Supabase's CLI applied it since: Supabase's view wins.
                if (!result.TryGetValue(v, out var ours) || ours.Direction == CrmMigrationDirection.Down)
                    result[v] = new HistoryEntry(v, ours?.Name, null, CrmMigrationDirection.Up, null, null, true, true);
            }
        }
        return result;
    }

    /// <summary>Versions whose latest row is an unfinished run without a transaction (see history_incomplete.sql).</summary>
    public static Dictionary<string, IncompleteRun> ReadIncomplete(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        var result = new Dictionary<string, IncompleteRun>(StringComparer.Ordinal);
        if (!Probe(conn, tx).Crmops) return result;
        using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/history_incomplete.sql"), conn, tx);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            result[r.GetString(0)] = new IncompleteRun(r.GetString(0), r.GetString(1) == "up" ? CrmMigrationDirection.Up : CrmMigrationDirection.Down,
                r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), r.GetString(4));
        return result;
    }

    /// <summary>Writes one history row (and, for a success, Supabase's ledger); returns the row's id.</summary>
    public static long Record(NpgsqlConnection conn, NpgsqlTransaction? tx, string version, string name, string? checksum,
        CrmMigrationDirection direction, TimeSpan duration, bool success, bool transactional, bool marked,
        IReadOnlyList<SqlStatement>? upStatements, string? message)
    {
        long id;
        using (var cmd = new NpgsqlCommand(SqlText.Get("Migrations/insert_history.sql"), conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = version });
            cmd.Parameters.Add(new NpgsqlParameter { Value = name });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)checksum ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = direction == CrmMigrationDirection.Up ? "up" : "down" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = $"{Environment.UserName}@{Environment.MachineName}" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = duration, NpgsqlDbType = NpgsqlDbType.Interval });
            cmd.Parameters.Add(new NpgsqlParameter { Value = success });
            cmd.Parameters.Add(new NpgsqlParameter { Value = transactional });
            cmd.Parameters.Add(new NpgsqlParameter { Value = marked ? "marked" : "run" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)upStatements?.Count ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)message ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            id = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (success) RecordSupabase(conn, tx, version, name, direction, upStatements);
        return id;
    }

    /// <summary>
    /// The end of a run without a transaction, written into the start row <see cref="Record"/> wrote before its first
    /// statement (one row per run; a start row left as it was means the run never came back). A success also goes to
    /// Supabase's ledger.
    /// </summary>
    public static void Finish(NpgsqlConnection conn, NpgsqlTransaction? tx, long id, string version, string name,
        CrmMigrationDirection direction, TimeSpan duration, bool success, IReadOnlyList<SqlStatement>? upStatements, string? message)
    {
        using (var cmd = new NpgsqlCommand(SqlText.Get("Migrations/finish_history.sql"), conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = success });
            cmd.Parameters.Add(new NpgsqlParameter { Value = duration, NpgsqlDbType = NpgsqlDbType.Interval });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)message ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.ExecuteNonQuery();
        }
        if (success) RecordSupabase(conn, tx, version, name, direction, upStatements);
    }

    private static void RecordSupabase(NpgsqlConnection conn, NpgsqlTransaction? tx, string version, string name,
        CrmMigrationDirection direction, IReadOnlyList<SqlStatement>? upStatements)
    {
        var t = Probe(conn, tx);
        if (!t.Supabase) return;
        if (direction == CrmMigrationDirection.Down)
        {
            using var del = new NpgsqlCommand(SqlText.Get("Migrations/supabase_delete.sql"), conn, tx);
            del.Parameters.Add(new NpgsqlParameter { Value = version });
            del.ExecuteNonQuery();
        }
        else if (t.SupabaseName && t.SupabaseStatements)
        {
            using var ins = new NpgsqlCommand(SqlText.Get("Migrations/supabase_insert.sql"), conn, tx);
            ins.Parameters.Add(new NpgsqlParameter { Value = version });
            ins.Parameters.Add(new NpgsqlParameter { Value = name });
            ins.Parameters.Add(new NpgsqlParameter { Value = (upStatements ?? []).Select(s => s.Text).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            ins.ExecuteNonQuery();
        }
        else
        {
            using var ins = new NpgsqlCommand(SqlText.Get("Migrations/supabase_insert_version.sql"), conn, tx);
            ins.Parameters.Add(new NpgsqlParameter { Value = version });
            ins.ExecuteNonQuery();
        }
    }
}
