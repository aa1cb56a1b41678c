using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Schema;

/// <summary>
/// What a database's schema is, read from the catalog with PostgreSQL's own definitions (one query, Sql/Schema/objects.sql)
/// and kept as a compact, serialisable list of <see cref="SchemaObject"/>s. Test-CrmMigration -RoundTrip, every recorded
/// snapshot and Compare-CrmSchema all use this one implementation.
/// </summary>
public sealed class SchemaSnapshot
{
    /// <summary>Version of the serialised form.</summary>
    public const int Format = 1;

    /// <summary>
    /// Schemas whose every object the platform owns: supabase/cli's managed schemas (internal/db/diff/migra.go), Supabase's
    /// own auth, storage, realtime and vault, and CrmOps' bookkeeping.
    /// </summary>
    public static readonly IReadOnlyList<string> ManagedSchemas =
    [
        "_analytics", "_realtime", "_supavisor", "cron", "graphql", "graphql_public", "net", "pgroonga", "pgtle", "repack",
        "tiger_data", "vault", "pgsodium", "pgsodium_masks", "timescaledb_experimental", "timescaledb_information",
        "_timescaledb_cache", "_timescaledb_catalog", "_timescaledb_config", "_timescaledb_debug", "_timescaledb_functions",
        "_timescaledb_internal", "pgbouncer", "supabase_functions", "supabase_migrations", "auth", "storage", "realtime",
        "crmops", // the schema of CrmOps' own functions (before its bookkeeping moved to supabase_migrations)
    ];

    /// <summary>Supabase's schemas where a project's own triggers and policies live beside the platform's objects (as the CLI's db diff keeps them).</summary>
    public static readonly IReadOnlySet<string> SharedSchemas = new HashSet<string>(["auth", "storage", "realtime"], StringComparer.Ordinal);

    public IReadOnlyList<SchemaObject> Objects { get; }
    public string ServerVersion { get; init; } = "";
    public DateTimeOffset TakenAt { get; init; }

    private Dictionary<string, SchemaObject>? _byKey;
    public IReadOnlyDictionary<string, SchemaObject> ByKey => _byKey ??= Objects.ToDictionary(o => o.Key, StringComparer.Ordinal);

    public SchemaSnapshot(IReadOnlyList<SchemaObject> objects) => Objects = objects;

    /// <summary>
    /// Reads the schema in the given transaction (or a new read-only one). search_path is '' while reading, so every
    /// definition names objects schema-qualified, and jit is off (compiling the big catalog query's plan would take
    /// seconds); both are restored afterwards (the rehearsal's statements depend on them).
    /// </summary>
    public static SchemaSnapshot Take(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        if (tx == null)
        {
            using var own = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            Connections.Db.MakeReadOnly(conn, own);
            var s = Take(conn, own);
            own.Commit();
            return s;
        }
        string savedPath, savedJit;
        using (var cmd = new NpgsqlCommand(SqlText.Get("Schema/search-path-get.sql"), conn, tx))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            (savedPath, savedJit) = (r.GetString(0), r.GetString(1));
        }
        SetSearchPath(conn, tx, "", "off");
        // Restored only after a successful read: a failed one has aborted the transaction anyway.
        {
            var platform = new HashSet<string>(StringComparer.Ordinal);
            using (var cmd = new NpgsqlCommand(SqlText.Get("Schema/platform-schemas.sql"), conn, tx) { CommandTimeout = 0 })
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = ManagedSchemas.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
                using var r = cmd.ExecuteReader();
                while (r.Read()) platform.Add(r.GetString(0));
            }
            var objects = new List<SchemaObject>();
            using (var cmd = new NpgsqlCommand(SqlText.Get("Schema/objects.sql"), conn, tx) { CommandTimeout = 0 })
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    var type = Enum.Parse<CrmSchemaObjectType>(r.GetString(0));
                    var schema = r.GetString(1);
                    objects.Add(new SchemaObject
                    {
                        Type = type,
                        Schema = schema,
                        Name = r.GetString(2),
                        Parent = r.IsDBNull(3) ? null : r.GetString(3),
                        Order = r.GetInt64(4),
                        Platform = r.GetBoolean(5),
                        Props = Pairs(r.IsDBNull(6) ? [] : r.GetFieldValue<string?[]>(6)),
                        Info = Pairs(r.IsDBNull(7) ? [] : r.GetFieldValue<string?[]>(7)),
                    });
                }
            }
            var snapshot = new SchemaSnapshot(objects) { ServerVersion = conn.PostgreSqlVersion.ToString(), TakenAt = DateTimeOffset.UtcNow };
            snapshot.MarkPlatform(platform);
            SetSearchPath(conn, tx, savedPath, savedJit);
            return snapshot;
        }
    }

    private static void SetSearchPath(NpgsqlConnection conn, NpgsqlTransaction tx, string searchPath, string jit)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Schema/search-path-set.sql"), conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = searchPath });
        cmd.Parameters.Add(new NpgsqlParameter { Value = jit });
        cmd.ExecuteNonQuery();
    }

    private static Dictionary<string, string> Pairs(string?[] flat)
    {
        var d = new Dictionary<string, string>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
            if (flat[i] is { } k && flat[i + 1] is { } v) d[k] = v;
        return d;
    }

    /// <summary>
    /// Platform objects: those in a platform schema (but a project's own triggers and policies in auth, storage and
    /// realtime are its own), extension members, plpgsql, and everything that belongs to a platform object.
    /// </summary>
    private void MarkPlatform(HashSet<string> platformSchemas)
    {
        foreach (var o in Objects)
        {
            var shared = SharedSchemas.Contains(o.Schema) && o.Type is CrmSchemaObjectType.Trigger or CrmSchemaObjectType.Policy;
            if (o.Type == CrmSchemaObjectType.Extension)
                o.Platform = o.Name == "plpgsql" || platformSchemas.Contains(o.Schema);
            else if (!shared && platformSchemas.Contains(o.Schema))
                o.Platform = true;
        }
        // Parents first: a grant on a column of an extension's table belongs to the platform too.
        foreach (var o in Objects)
        {
            if (o.Platform || o.Parent == null) continue;
            if (SharedSchemas.Contains(o.Schema) && o.Type is CrmSchemaObjectType.Trigger or CrmSchemaObjectType.Policy) continue;
            o.Platform = ParentIsPlatform(o, 0);
        }
    }

    private bool ParentIsPlatform(SchemaObject o, int depth)
    {
        if (o.Parent == null || depth > 4) return false;
        if (!ByKey.TryGetValue(o.Parent, out var parent)) return false;
        return parent.Platform || ParentIsPlatform(parent, depth + 1);
    }

    /// <summary>The object that <paramref name="o"/> belongs to, if it is in this snapshot.</summary>
    public SchemaObject? ParentOf(SchemaObject o) => o.Parent != null && ByKey.TryGetValue(o.Parent, out var p) ? p : null;

    /// <summary>Objects that belong to <paramref name="o"/>, directly or through another (a grant on a column of a table).</summary>
    public IEnumerable<SchemaObject> ChildrenOf(SchemaObject o)
    {
        _children ??= Objects.Where(x => x.Parent != null).GroupBy(x => x.Parent!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (!_children.TryGetValue(o.Key, out var direct)) yield break;
        foreach (var c in direct)
        {
            yield return c;
            foreach (var cc in ChildrenOf(c)) yield return cc;
        }
    }
    private Dictionary<string, List<SchemaObject>>? _children;

    /// <summary>The snapshot without platform objects (unless included).</summary>
    public SchemaSnapshot Filter(bool includePlatform) =>
        includePlatform ? this : new SchemaSnapshot(Objects.Where(o => !o.Platform).ToList()) { ServerVersion = ServerVersion, TakenAt = TakenAt };

    /// <summary>SHA-256 (hex) of the normalised definitions of the objects that are not the platform's.</summary>
    public string Digest()
    {
        var sb = new StringBuilder();
        foreach (var o in Objects.Where(o => !o.Platform).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            sb.Append(o.Key);
            foreach (var (k, v) in o.Props.OrderBy(p => p.Key, StringComparer.Ordinal))
                sb.Append('\t').Append(k).Append('=').Append(SqlNormalizer.Normalize(k, v));
            sb.Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }

    // ---- Serialised form: JSON {"format":1,"server":...,"takenAt":...,"objects":[[type,schema,name,parent,order,platform,{props},{info}],...]},
    // gzip-compressed where stored (the bookkeeping table, *.gz files).

    public byte[] ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("format", Format);
            w.WriteString("server", ServerVersion);
            w.WriteString("takenAt", TakenAt);
            w.WriteStartArray("objects");
            foreach (var o in Objects)
            {
                w.WriteStartArray();
                w.WriteStringValue(o.Type.ToString());
                w.WriteStringValue(o.Schema);
                w.WriteStringValue(o.Name);
                if (o.Parent == null) w.WriteNullValue(); else w.WriteStringValue(o.Parent);
                w.WriteNumberValue(o.Order);
                w.WriteNumberValue(o.Platform ? 1 : 0);
                WriteMap(w, o.Props);
                WriteMap(w, o.Info);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void WriteMap(Utf8JsonWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject();
        foreach (var (k, v) in map) w.WriteString(k, v);
        w.WriteEndObject();
    }

    public byte[] ToCompressed()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(ToJson());
        return ms.ToArray();
    }

    /// <summary>Reads the serialised form, gzip-compressed or not.</summary>
    public static SchemaSnapshot FromBytes(byte[] data, string where)
    {
        try
        {
            if (data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b)
            {
                using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
                using var plain = new MemoryStream();
                gz.CopyTo(plain);
                data = plain.ToArray();
            }
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (!root.TryGetProperty("format", out var f) || f.GetInt32() != Format || !root.TryGetProperty("objects", out var arr))
                throw new CrmException("SchemaSnapshotInvalid", CrmErrorKind.InvalidData,
                    $"{where} is not a CrmOps schema snapshot of format {Format} (write one with Export-CrmSchemaSnapshot).", where);
            var objects = new List<SchemaObject>(arr.GetArrayLength());
            foreach (var e in arr.EnumerateArray())
            {
                objects.Add(new SchemaObject
                {
                    Type = Enum.Parse<CrmSchemaObjectType>(e[0].GetString()!),
                    Schema = e[1].GetString()!,
                    Name = e[2].GetString()!,
                    Parent = e[3].ValueKind == JsonValueKind.Null ? null : e[3].GetString(),
                    Order = e[4].GetInt64(),
                    Platform = e[5].GetInt32() != 0,
                    Props = ReadMap(e[6]),
                    Info = ReadMap(e[7]),
                });
            }
            return new SchemaSnapshot(objects)
            {
                ServerVersion = root.TryGetProperty("server", out var s) ? s.GetString() ?? "" : "",
                TakenAt = root.TryGetProperty("takenAt", out var t) ? t.GetDateTimeOffset() : default,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException or ArgumentException or FormatException or IndexOutOfRangeException or KeyNotFoundException)
        {
            throw new CrmException("SchemaSnapshotInvalid", CrmErrorKind.InvalidData,
                $"{where} is not a readable CrmOps schema snapshot ({ex.Message}). Write one with Export-CrmSchemaSnapshot.", where);
        }
    }

    private static Dictionary<string, string> ReadMap(JsonElement e)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject()) d[p.Name] = p.Value.GetString() ?? "";
        return d;
    }
}
