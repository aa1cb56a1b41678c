using CrmOps.Connections;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Lint;

/// <summary>A relation as the live catalog knows it.</summary>
public sealed record LiveRelation(long Oid, string Schema, string Name, char Kind, bool Populated, long? Rows)
{
    public string Qualified => Schema + "." + Name;
    public string KindName => Kind switch
    {
        'r' => "table", 'p' => "partitioned table", 'v' => "view", 'm' => "materialized view", 'f' => "foreign table",
        'i' or 'I' => "index", 'S' => "sequence", _ => "relation",
    };
}

/// <summary>A column's stored type.</summary>
public sealed record LiveColumn(int Number, long TypeOid, int TypMod, string TypeName, bool NotNull, long BaseType, int BaseTypMod, string[] UsedByViews);

/// <summary>A type named in a migration, resolved by the server.</summary>
public sealed record LiveType(long Oid, long BaseType, int DomainTypMod, bool DomainChecks, string Name);

/// <summary>A dependent object a CASCADE would drop (pg_identify_object's type and identity).</summary>
public sealed record LiveDependent(string Type, string Identity, int Depth)
{
    public override string ToString() => Type + " " + Identity;
}

/// <summary>
/// The live catalog as the lint reads it, in one read-only transaction with the migration's search_path: relations
/// and their row estimates, column types, casts, volatility, dependencies, the API roles and default privileges.
/// Every answer is cached for the run.
/// </summary>
internal sealed class LintCatalog
{
    private readonly NpgsqlConnection _conn;
    private readonly NpgsqlTransaction _tx;
    private readonly Dictionary<string, LiveRelation?> _relations = new(StringComparer.Ordinal);
    private readonly Dictionary<(long, string), LiveColumn?> _columns = [];
    private readonly Dictionary<string, LiveType?> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<(long, long), bool> _casts = [];

    public bool HasAnon { get; }
    public bool HasAuthenticated { get; }
    public bool HasApiRoles => HasAnon || HasAuthenticated;
    /// <summary>pgrst.db_schemas when the server has it (Supabase's PostgREST setting, as splinter reads it).</summary>
    public string? DbSchemasSetting { get; }
    public string CurrentSchema { get; }
    public string TimeZone { get; }
    public int ServerVersion { get; }
    /// <summary>Schemas ("" = every schema) where this role's new tables are readable by anon/authenticated/PUBLIC.</summary>
    public IReadOnlySet<string> DefaultSelectSchemas { get; }

    public LintCatalog(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        _conn = conn;
        _tx = tx;
        using (var cmd = Command("session.sql"))
        using (var r = cmd.ExecuteReader())
        {
            r.Read();
            HasAnon = r.GetBoolean(0);
            HasAuthenticated = r.GetBoolean(1);
            DbSchemasSetting = r.IsDBNull(2) ? null : r.GetString(2);
            CurrentSchema = r.IsDBNull(3) ? "public" : r.GetString(3);
            TimeZone = r.GetString(4);
            ServerVersion = r.GetInt32(5);
        }
        var schemas = new HashSet<string>(StringComparer.Ordinal);
        using (var cmd = Command("default-grants.sql"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) schemas.Add(r.GetString(0));
        DefaultSelectSchemas = schemas;
    }

    private NpgsqlCommand Command(string name) => new(SqlText.Get("Lint/" + name), _conn, _tx);

    /// <summary>The relation a name resolves to now, or null.</summary>
    public LiveRelation? Relation(ObjName name)
    {
        var key = name.Quoted;
        if (_relations.TryGetValue(key, out var cached)) return cached;
        LiveRelation? rel = null;
        using (var cmd = Command("relation.sql"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = key });
            using var r = cmd.ExecuteReader();
            if (r.Read())
            {
                var kind = r.GetString(3)[0];
                var reltuples = r.GetDouble(5);
                var relpages = r.GetInt64(6);
                long? pagesNow = r.IsDBNull(7) ? null : r.GetInt64(7);
                long? live = r.IsDBNull(8) ? null : r.GetInt64(8);
                var (oid, schema, relname, populated) = (r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetBoolean(4));
                r.Close();
                rel = new LiveRelation(oid, schema, relname, kind, populated, EstimateRows(kind, schema, relname, reltuples, relpages, pagesNow, live));
            }
        }
        _relations[key] = rel;
        return rel;
    }

    /// <summary>
    /// The planner's estimate (estimate_rel_size): reltuples per page times the pages the table has now. Never
    /// analyzed: an exact count when the table is small (at most 1,000 pages), else the statistics collector's live tuples.
    /// </summary>
    private long? EstimateRows(char kind, string schema, string name, double reltuples, long relpages, long? pagesNow, long? live)
    {
        if (kind is not ('r' or 'm' or 'p')) return null;
        if (pagesNow == 0) return 0;
        if (reltuples >= 0 && relpages > 0 && pagesNow is { } now) return (long)Math.Round(reltuples / relpages * now);
        if (reltuples >= 0 && kind == 'p') return (long)reltuples;
        if (pagesNow is { } p && p <= 1000) return Db.CountRows(_conn, _tx, schema, name);
        return live;
    }

    public LiveColumn? Column(long relOid, string column)
    {
        if (_columns.TryGetValue((relOid, column), out var cached)) return cached;
        LiveColumn? col = null;
        using (var cmd = Command("column.sql"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = relOid });
            cmd.Parameters.Add(new NpgsqlParameter { Value = column });
            using var r = cmd.ExecuteReader();
            if (r.Read())
                col = new LiveColumn(r.GetInt32(0), r.GetInt64(1), r.GetInt32(2), r.GetString(3), r.GetBoolean(4), r.GetInt64(5), r.GetInt32(6), r.GetFieldValue<string[]>(7));
        }
        _columns[(relOid, column)] = col;
        return col;
    }

    public LiveType? Type(string typeText)
    {
        if (_types.TryGetValue(typeText, out var cached)) return cached;
        LiveType? t = null;
        using (var cmd = Command("type.sql"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = typeText });
            _tx.Save("crmops_lint");
            try
            {
                using (var r = cmd.ExecuteReader())
                    if (r.Read()) t = new LiveType(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetBoolean(3), r.GetString(4));
                _tx.Release("crmops_lint");
            }
            catch (PostgresException e) when (e.SqlState.StartsWith("42", StringComparison.Ordinal) || e.SqlState.StartsWith("22", StringComparison.Ordinal))
            {
                // to_regtype raises on a malformed name (PostgreSQL 15): the rule then says it cannot tell.
                _tx.Rollback("crmops_lint");
                throw new LintUnknownTypeException(typeText);
            }
        }
        _types[typeText] = t;
        return t;
    }

    public bool BinaryCoercible(long from, long to)
    {
        if (from == to) return true;
        if (_casts.TryGetValue((from, to), out var known)) return known;
        using var cmd = Command("binary-coercible.sql");
        cmd.Parameters.Add(new NpgsqlParameter { Value = from });
        cmd.Parameters.Add(new NpgsqlParameter { Value = to });
        var result = cmd.ExecuteScalar() is true;
        _casts[(from, to)] = result;
        return result;
    }

    /// <summary>The volatile functions among the names (unqualified: visible ones; "schema.name": that one).</summary>
    public IReadOnlySet<string> VolatileFunctions(IEnumerable<string> names)
    {
        var list = names.ToList();
        var plain = list.Where(n => !n.Contains('.', StringComparison.Ordinal)).ToArray();
        var qualified = list.Where(n => n.Contains('.', StringComparison.Ordinal)).ToArray();
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (list.Count == 0) return result;
        using var cmd = Command("volatile.sql");
        cmd.Parameters.Add(new NpgsqlParameter { Value = plain, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = qualified, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        using var r = cmd.ExecuteReader();
        while (r.Read()) result.Add(r.GetString(0));
        return result;
    }

    /// <summary>What a DROP ... CASCADE of a relation (or one of its columns) would also drop.</summary>
    public IReadOnlyList<LiveDependent> RelationDependents(long relOid, int columnNumber = 0) =>
        Dependents("pg_catalog.pg_class", relOid, columnNumber);

    public IReadOnlyList<LiveDependent> FunctionDependents(long procOid) => Dependents("pg_catalog.pg_proc", procOid, 0);

    private List<LiveDependent> Dependents(string catalog, long oid, int sub)
    {
        var list = new List<LiveDependent>();
        using var cmd = Command("dependents.sql");
        cmd.Parameters.Add(new NpgsqlParameter { Value = catalog });
        cmd.Parameters.Add(new NpgsqlParameter { Value = oid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = sub });
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(new LiveDependent(r.GetString(0), r.GetString(1), r.GetInt32(2)));
        return list;
    }

    public long? Function(ObjName name, string? arguments)
    {
        using var cmd = Command("function.sql");
        cmd.Parameters.Add(new NpgsqlParameter { Value = arguments == null ? (object)DBNull.Value : name.Quoted + "(" + arguments + ")", NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = name.Quoted });
        _tx.Save("crmops_lint");
        try
        {
            var oid = cmd.ExecuteScalar() is long l ? l : (long?)null;
            _tx.Release("crmops_lint");
            return oid;
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("42", StringComparison.Ordinal) || e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            _tx.Rollback("crmops_lint"); // a signature to_regprocedure cannot read: treated as unknown
            return null;
        }
    }

    public bool HasValidatedNotNullCheck(long relOid, string column)
    {
        using var cmd = Command("not-null-check.sql");
        cmd.Parameters.Add(new NpgsqlParameter { Value = relOid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = column });
        return cmd.ExecuteScalar() is true;
    }

    public bool HasConcurrentRefreshIndex(long relOid)
    {
        using var cmd = Command("refresh-index.sql");
        cmd.Parameters.Add(new NpgsqlParameter { Value = relOid });
        return cmd.ExecuteScalar() is true;
    }
}

/// <summary>A type name the server cannot read (the lint then says it cannot tell, instead of failing).</summary>
internal sealed class LintUnknownTypeException(string typeText) : Exception($"Unknown type '{typeText}'.")
{
    public string TypeText { get; } = typeText;
}
