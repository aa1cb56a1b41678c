using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Migrations;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Schema;

/// <summary>
/// Schema snapshots recorded in CrmOps' bookkeeping (<see cref="Table"/>, beside the migration history): one right
/// after every migration CrmOps runs, rolls back or marks, in that migration's transaction, and one for each
/// Set-CrmMigrationState -Baseline. The newest is what the database should be: Compare-CrmSchema's drift reference.
/// </summary>
public static class SnapshotStore
{
    /// <summary>The schema of CrmOps' own bookkeeping (left out of every comparison as the platform's): Supabase's
    /// supabase_migrations, which the CLI leaves out of db diff, pull, dump and reset (see Bookkeeping).</summary>
    public const string BookkeepingSchema = Bookkeeping.Bookkeeping.Schema;
    /// <summary>The snapshot table, beside the migration history (supabase_migrations.crmops_migration_history).</summary>
    public const string TableName = "crmops_schema_snapshots";
    public static string Table => Identifier.Quote(BookkeepingSchema, TableName);

    private static string Sql(string name) =>
        SqlText.Fill("Schema/" + name, ("table", Table), ("schema", Identifier.Quote(BookkeepingSchema)));
    /// <summary>Snapshots kept; older ones are deleted when a new one is recorded.</summary>
    public const int Keep = 100;

    /// <summary>
    /// The hook the migration runner calls in a migration's transaction, right after its history row: records the
    /// schema as the migration left it. Under a savepoint, so that a failure to record costs a warning, not the migration.
    /// </summary>
    internal static void RecordAfterMigration(NpgsqlConnection conn, NpgsqlTransaction tx, string version, CrmMigrationDirection direction, bool marked, ICrmHost host)
    {
        Exec(conn, tx, "Schema/savepoint.sql");
        try
        {
            var s = Record(conn, tx, marked ? CrmSchemaSnapshotSource.Marked : CrmSchemaSnapshotSource.Migration, version, direction, "");
            Exec(conn, tx, "Schema/release-savepoint.sql");
            host.WriteVerbose($"Recorded the schema after {version} ({s.Objects} objects, snapshot {s.Id}).");
        }
        catch (PostgresException pg)
        {
            Exec(conn, tx, "Schema/rollback-savepoint.sql");
            host.WriteWarning($"{version}: the schema snapshot could not be recorded ({ConnectionFactory.FirstLine(pg.MessageText)}); Compare-CrmSchema's drift check compares with the previous snapshot until the next migration or Set-CrmMigrationState -Baseline.");
        }
    }

    /// <summary>Takes a snapshot in the transaction and stores it; returns its description.</summary>
    internal static CrmSchemaSnapshot Record(NpgsqlConnection conn, NpgsqlTransaction tx, CrmSchemaSnapshotSource source, string? version,
        CrmMigrationDirection? direction, string origin)
    {
        ExecSql(conn, tx, Sql("store-ensure.sql"));
        var snapshot = SchemaSnapshot.Take(conn, tx);
        var applied = Applied(conn, tx);
        var digest = snapshot.Digest();
        using var cmd = new NpgsqlCommand(Sql("store-insert.sql"), conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { Value = $"{Environment.UserName}@{Environment.MachineName}" });
        cmd.Parameters.Add(new NpgsqlParameter { Value = source.ToString().ToLowerInvariant() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)version ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = direction is { } d ? (d == CrmMigrationDirection.Up ? "up" : "down") : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = applied, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = snapshot.ServerVersion });
        cmd.Parameters.Add(new NpgsqlParameter { Value = snapshot.Objects.Count });
        cmd.Parameters.Add(new NpgsqlParameter { Value = digest });
        cmd.Parameters.Add(new NpgsqlParameter { Value = SchemaSnapshot.Format });
        cmd.Parameters.Add(new NpgsqlParameter { Value = snapshot.ToCompressed(), NpgsqlDbType = NpgsqlDbType.Bytea });
        long id; DateTimeOffset at; string by;
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            (id, at, by) = (r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2));
        }
        using (var prune = new NpgsqlCommand(Sql("store-prune.sql"), conn, tx))
        {
            prune.Parameters.Add(new NpgsqlParameter { Value = Keep });
            prune.ExecuteNonQuery();
        }
        return new CrmSchemaSnapshot
        {
            Source = source, Origin = origin, Version = version, Direction = direction, TakenAt = at, TakenBy = by,
            ServerVersion = snapshot.ServerVersion, Objects = snapshot.Objects.Count, Digest = digest, Id = id, Content = snapshot,
        };
    }

    /// <summary>Set-CrmMigrationState -Baseline: records the schema as it is now, under the migration lock.</summary>
    public static CrmSchemaSnapshot RecordBaseline(CrmConnection connection, MigrationOptions o, ICrmHost host)
    {
        using var conn = connection.Open();
        NpgsqlTransaction? tx = null;
        try
        {
            tx = MigrationCommands.BeginLocked(conn, connection, o, host, "Recording a schema baseline");
            var s = Record(conn, tx, CrmSchemaSnapshotSource.Baseline, LatestApplied(conn, tx), null, connection.ToString());
            tx.Commit();
            host.WriteVerbose($"Recorded a baseline of {s.Objects} objects on {connection} (snapshot {s.Id}).");
            return s;
        }
        catch (Exception ex)
        {
            MigrationCommands.SafeRollback(tx);
            throw Db.Translate(ex, connection, "Recording a schema baseline");
        }
    }

    /// <summary>Versions applied now (CrmOps' history and Supabase's), sorted.</summary>
    internal static string[] Applied(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        var state = Bookkeeping.Bookkeeping.Locate(conn, tx);
        var history = state.HistoryTable;
        if (history == null && !state.Ledger) return [];
        var ledger = state.Ledger ? SqlText.Get("Schema/ledger-versions.sql") : "";
        var sql = history == null ? ledger
            : SqlText.Fill("Schema/applied-versions.sql", ("history", history), ("ledger", ledger.Length > 0 ? "union " + ledger : ""));
        var versions = new SortedSet<string>(StringComparer.Ordinal);
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        using var r = cmd.ExecuteReader();
        while (r.Read()) versions.Add(r.GetString(0));
        return versions.ToArray();
    }

    private static string? LatestApplied(NpgsqlConnection conn, NpgsqlTransaction tx) => Applied(conn, tx).LastOrDefault();

    /// <summary>Recorded snapshots, newest first (without their content, loaded when used).</summary>
    public static IReadOnlyList<CrmSchemaSnapshot> List(CrmConnection connection, int last) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            var list = new List<CrmSchemaSnapshot>();
            if (!Exists(conn, tx)) return list;
            using var cmd = new NpgsqlCommand(Sql("store-list.sql"), conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = last });
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(Describe(r, connection, null));
            return list;
        }, "Reading the recorded schema snapshots");

    /// <summary>Whether snapshots are recorded here; an error naming the grant when they are but this role may not read them.</summary>
    internal static bool Exists(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Schema/store-exists.sql"), conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = BookkeepingSchema });
        cmd.Parameters.Add(new NpgsqlParameter { Value = TableName });
        using var r = cmd.ExecuteReader();
        r.Read();
        var (exists, readable, role) = (r.GetBoolean(0), r.GetBoolean(1), Identifier.Quote(r.GetString(2)));
        if (exists && !readable)
            throw new CrmException("SchemaSnapshotPermissionDenied", CrmErrorKind.PermissionDenied,
                $"Role {role} may not read the recorded schema snapshots ({Table}); nothing was compared. As their owner run: GRANT USAGE ON SCHEMA {Identifier.Quote(BookkeepingSchema)} TO {role}; GRANT SELECT ON {Table} TO {role};", Table)
            { RecommendedAction = $"GRANT SELECT ON {Table} TO {role};" };
        return exists;
    }

    /// <summary>A recorded snapshot with its content (the newest when <paramref name="id"/> is null), or null when there is none.</summary>
    internal static (CrmSchemaSnapshot Meta, string[] Applied)? Read(NpgsqlConnection conn, NpgsqlTransaction? tx, CrmConnection connection, long? id)
    {
        if (!Exists(conn, tx)) return null;
        using var cmd = new NpgsqlCommand(Sql("store-read.sql"), conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        var content = SchemaSnapshot.FromBytes(r.GetFieldValue<byte[]>(10), $"Snapshot {r.GetInt64(0)} in {Table}");
        return (Describe(r, connection, content), r.GetFieldValue<string[]>(6));
    }

    private static CrmSchemaSnapshot Describe(NpgsqlDataReader r, CrmConnection connection, SchemaSnapshot? content) => new()
    {
        Id = r.GetInt64(0),
        TakenAt = r.GetFieldValue<DateTimeOffset>(1),
        TakenBy = r.GetString(2),
        Source = Enum.Parse<CrmSchemaSnapshotSource>(r.GetString(3), ignoreCase: true),
        Version = r.IsDBNull(4) ? null : r.GetString(4),
        Direction = r.IsDBNull(5) ? null : r.GetString(5) == "up" ? CrmMigrationDirection.Up : CrmMigrationDirection.Down,
        ServerVersion = r.GetString(7),
        Objects = r.GetInt32(8),
        Digest = r.GetString(9),
        Origin = connection.ToString(),
        RecordedIn = connection,
        Content = content,
    };

    /// <summary>The content of a snapshot object: already loaded, or read from where it was recorded.</summary>
    public static SchemaSnapshot Load(CrmSchemaSnapshot s)
    {
        if (s.Content is SchemaSnapshot loaded) return loaded;
        if (s.RecordedIn is not { } connection || s.Id is not { } id)
            throw new CrmException("SchemaSnapshotEmpty", CrmErrorKind.InvalidArgument, $"{s} carries no schema content (create snapshots with Get-CrmSchemaSnapshot).", s);
        var read = Db.ReadOnly(connection, (conn, tx) => Read(conn, tx, connection, id), "Reading a recorded schema snapshot")
            ?? throw new CrmException("SchemaSnapshotNotFound", CrmErrorKind.ObjectNotFound,
                $"Snapshot {id} is no longer in {Table} on {connection} (CrmOps keeps the newest {Keep}).", s);
        s.Content = read.Meta.Content;
        return (SchemaSnapshot)s.Content!;
    }

    /// <summary>Describes a snapshot just taken (live, from a file or a replay).</summary>
    public static CrmSchemaSnapshot Describe(SchemaSnapshot content, CrmSchemaSnapshotSource source, string origin, string? version = null) => new()
    {
        Source = source, Origin = origin, Version = version, TakenAt = content.TakenAt, ServerVersion = content.ServerVersion,
        Objects = content.Objects.Count, Digest = content.Digest(), Content = content,
    };

    private static void Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string name) => ExecSql(conn, tx, SqlText.Get(name));

    private static void ExecSql(NpgsqlConnection conn, NpgsqlTransaction tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.ExecuteNonQuery();
    }
}
