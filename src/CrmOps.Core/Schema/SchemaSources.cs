using System.IO.Compression;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Migrations;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Schema;

/// <summary>Where the two sides of a comparison come from: a live database, a file, CrmOps' recorded snapshots, a replayed migration set.</summary>
public static class SchemaSources
{
    /// <summary>The database's schema now, read in one read-only transaction.</summary>
    public static CrmSchemaSnapshot Live(CrmConnection connection) =>
        SnapshotStore.Describe(Db.ReadOnly(connection, SchemaSnapshot.Take, $"Reading the schema of {connection}"),
            CrmSchemaSnapshotSource.Live, connection.ToString());

    /// <summary>Whether the database has Supabase's API roles (see Sql/Schema/supabase-shaped.sql).</summary>
    public static bool IsSupabaseShaped(CrmConnection connection) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            using var cmd = new NpgsqlCommand(SqlText.Get("Schema/supabase-shaped.sql"), conn, tx);
            return cmd.ExecuteScalar() is true;
        }, $"Reading the roles of {connection}");

    /// <summary>A snapshot file written by Export-CrmSchemaSnapshot (JSON, gzip-compressed when it ends in .gz).</summary>
    public static CrmSchemaSnapshot FromFile(string path)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CrmException("SchemaSnapshotUnreadable", CrmErrorKind.ObjectNotFound, $"Cannot read the schema snapshot '{path}': {ex.Message}", path);
        }
        return SnapshotStore.Describe(SchemaSnapshot.FromBytes(data, $"'{path}'"), CrmSchemaSnapshotSource.File, path);
    }

    /// <summary>Writes a snapshot to a file: gzip-compressed JSON when the name ends in .gz, plain JSON otherwise.</summary>
    public static FileInfo Save(CrmSchemaSnapshot snapshot, string path)
    {
        var content = SnapshotStore.Load(snapshot);
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir != null) Directory.CreateDirectory(dir);
            var tmp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
            File.WriteAllBytes(tmp, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? content.ToCompressed() : content.ToJson());
            File.Move(tmp, path, overwrite: true);
            return new FileInfo(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CrmException("SchemaSnapshotUnwritable", CrmErrorKind.PermissionDenied, $"Cannot write the schema snapshot '{path}': {ex.Message}", path);
        }
    }

    /// <summary>
    /// The drift reference: the newest snapshot CrmOps recorded in the database (after its last migration, mark or
    /// baseline). Warns when migrations were applied or rolled back since without CrmOps (Supabase's CLI): then the
    /// differences include theirs.
    /// </summary>
    public static CrmSchemaSnapshot Recorded(CrmConnection connection, ICrmHost host)
    {
        var (meta, applied, now) = Db.ReadOnly(connection, (conn, tx) =>
        {
            var read = SnapshotStore.Read(conn, tx, connection, null);
            return (read?.Meta, read?.Applied, read == null ? [] : SnapshotStore.Applied(conn, tx));
        }, "Reading the recorded schema snapshot");
        if (meta == null)
            throw new CrmException("SchemaSnapshotNotRecorded", CrmErrorKind.ObjectNotFound,
                $"{connection} has no schema snapshot recorded by CrmOps yet: they are recorded by each migration CrmOps runs. For a schema that predates CrmOps' migrations, record one with Set-CrmMigrationState -Baseline; or compare with the migrations themselves: Compare-CrmSchema -Path <folder>.", connection.ToString());
        if (MovedSince(applied!, now) is { } moved) host.WriteWarning(moved + " The differences include what they changed.");
        return meta;
    }

    /// <summary>A sentence when the applied migrations differ from those when the snapshot was taken, else null.</summary>
    internal static string? MovedSince(string[] then, string[] now)
    {
        var added = now.Except(then, StringComparer.Ordinal).ToList();
        var removed = then.Except(now, StringComparer.Ordinal).ToList();
        if (added.Count == 0 && removed.Count == 0) return null;
        var parts = new List<string>();
        if (added.Count > 0) parts.Add($"{string.Join(", ", added)} applied");
        if (removed.Count > 0) parts.Add($"{string.Join(", ", removed)} rolled back");
        return $"Since the snapshot was recorded, migration(s) {string.Join(" and ", parts)} without CrmOps (for example by Supabase's CLI).";
    }
}

/// <summary>Runs a migration set's scripts, in version order up to a target, on a throwaway database: the schema they build.</summary>
public static class MigrationReplay
{
    /// <summary>Returns the last version replayed (null when the set is empty).</summary>
    public static string? Run(NpgsqlConnection conn, MigrationSet set, string? target, string onto, ICrmHost host)
    {
        set.ThrowIfInvalid();
        if (target != null && set.Migrations.All(m => m.Version != target))
            throw new CrmException("MigrationNotFound", CrmErrorKind.ObjectNotFound, $"-Target {target} is not a migration in '{set.Root}'.", target);
        var files = set.Migrations.Where(f => target == null || string.CompareOrdinal(f.Version, target) <= 0).ToList();
        string? last = null;
        for (var i = 0; i < files.Count; i++)
        {
            var f = files[i];
            host.Cancellation.ThrowIfCancellationRequested();
            host.WriteProgress("Replaying migrations into a throwaway sandbox", $"{f.FileName} ({i + 1} of {files.Count})", i * 100 / Math.Max(1, files.Count));
            SqlStatement? current = null;
            NpgsqlTransaction? tx = null;
            try
            {
                if (f.Transactional) tx = conn.BeginTransaction();
                foreach (var s in f.Statements)
                {
                    current = s;
                    MigrationCommands.Execute(conn, tx, s.Text, host.Cancellation);
                }
                tx?.Commit();
            }
            catch (PostgresException pg)
            {
                MigrationCommands.SafeRollback(tx);
                throw new CrmException("SchemaReplayFailed", CrmErrorKind.InvalidData,
                    $"Replaying {f.FileName} into a throwaway sandbox ({onto}) failed at line {current?.Line}: {ConnectionFactory.FirstLine(pg.MessageText)} (SQLSTATE {pg.SqlState}). A replay runs the scripts only (no require-rows, no verify) from {onto}: a set written for another starting schema cannot be replayed this way.", f.FileName);
            }
            last = f.Version;
            host.WriteVerbose($"Replayed {f.FileName} ({f.Statements.Count} statement(s)).");
        }
        host.WriteProgress("Replaying migrations into a throwaway sandbox", "Done", 100);
        return last;
    }
}

/// <summary>Test-CrmDatabase's SchemaMatchesMigrations check: the database against the snapshot of its last migration.</summary>
public static class SchemaDriftCheck
{
    public static CrmCheckResult Run(CrmConnection connection, NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        const string check = "SchemaMatchesMigrations";
        const string target = "schema";
        (CrmSchemaSnapshot Meta, string[] Applied)? read;
        try { read = SnapshotStore.Read(conn, tx, connection, null); }
        catch (CrmException ex) when (ex.ErrorId == "SchemaSnapshotPermissionDenied")
        {
            return new CrmCheckResult
            {
                Check = check, Target = target, Expected = "the schema of the last migration", Actual = "snapshots not readable", Passed = true, Skipped = true,
                Message = "Skipped: " + ex.Message,
            };
        }
        if (read is not { } r)
            return new CrmCheckResult
            {
                Check = check, Target = target, Expected = "the schema of the last migration", Actual = "no snapshot", Passed = true, Skipped = true,
                Message = "Skipped: CrmOps has recorded no schema snapshot here yet (each migration it runs records one; for a schema that predates its migrations run Set-CrmMigrationState -Baseline).",
            };
        var live = SchemaSnapshot.Take(conn, tx);
        var reference = (SchemaSnapshot)r.Meta.Content!;
        var diffs = SchemaComparer.Compare(reference, live);
        var moved = SchemaSources.MovedSince(r.Applied, SnapshotStore.Applied(conn, tx));
        var after = r.Meta.Source == CrmSchemaSnapshotSource.Baseline ? "the baseline" : $"the snapshot recorded after {r.Meta.Version}";
        var list = string.Join("; ", diffs.Take(5).Select(d => d.ToString())) + (diffs.Count > 5 ? $"; and {diffs.Count - 5} more" : "");
        return new CrmCheckResult
        {
            Check = check, Target = target, Expected = "0 differences", Actual = $"{diffs.Count} difference(s)", Passed = diffs.Count == 0,
            Message = diffs.Count == 0
                ? $"The schema matches {after} ({r.Meta.TakenAt:u})."
                : $"{diffs.Count} difference(s) from {after} ({r.Meta.TakenAt:u}): {list}. Run Compare-CrmSchema for the details." + (moved is null ? "" : " " + moved),
        };
    }
}
