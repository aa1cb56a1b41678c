using System.Diagnostics;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Catalog;

/// <summary>What a catalog read found, and the errors about individual names it could not find.</summary>
public sealed record CatalogResult<T>(IReadOnlyList<T> Items, IReadOnlyList<CrmException> Errors);

/// <summary>
/// Discovery ("always investigate the schema first"): objects, columns, dependencies and row counts
/// read from pg_catalog in a fixed, small number of round trips, inside READ ONLY transactions, with
/// only USAGE and SELECT needed. Values are always parameters; identifiers are always quoted.
/// </summary>
public static class CrmCatalog
{
    public const string DefaultSchema = "public";

    private static readonly string[] TableKinds = ["r", "p", "m", "f"];

    /// <summary>What Get-CrmDbObject lists without -Type (a name without wildcards is found whatever its type).</summary>
    private static readonly string[] RelationTypes =
        [nameof(CrmObjectType.Table), nameof(CrmObjectType.PartitionedTable), nameof(CrmObjectType.View), nameof(CrmObjectType.MaterializedView), nameof(CrmObjectType.ForeignTable)];

    // ---------------------------------------------------------------- objects

    /// <summary>
    /// Objects whose name matches any of <paramref name="names"/> (wildcards allowed; none: all) in the
    /// schemas matching <paramref name="schemas"/> (default public). A name without wildcards that
    /// matches nothing is reported as an ObjectNotFound error with suggestions.
    /// </summary>
    public static CatalogResult<CrmDbObject> GetObjects(CrmConnection connection, IReadOnlyList<string>? names = null,
        IReadOnlyList<string>? schemas = null, IReadOnlyList<CrmObjectType>? types = null, CancellationToken cancellation = default)
    {
        var nameList = names?.Where(n => !string.IsNullOrEmpty(n)).ToArray() ?? [];
        // Names and schemas are read as PostgreSQL reads them (unquoted folds to lower case, "Quoted" keeps its case).
        // Each name becomes (schema, name) pairs: "schema.name" names its own schema; a plain name is looked up in
        // each -Schema, else in public.
        var schemaPatterns = schemas?.Where(x => !string.IsNullOrEmpty(x)).Select(x => CatalogPattern.FromIdentifier(x).Name).ToArray() ?? [];
        var pairs = new List<(string Schema, string Name)>();
        foreach (var n in nameList)
        {
            var (qs, qn) = CatalogPattern.FromIdentifier(n);
            if (qs != null) pairs.Add((qs, qn));
            else if (schemaPatterns.Length > 0) pairs.AddRange(schemaPatterns.Select(x => (x, qn)));
            else pairs.Add((DefaultSchema, qn));
        }
        var schemaList = pairs.Count > 0 ? pairs.Select(p => p.Schema).Distinct().ToArray()
            : (schemaPatterns.Length > 0 ? schemaPatterns : [DefaultSchema]);
        var schemaRes = schemaList.Select(CatalogPattern.ToCatalogRegex).ToArray();
        var pairSchemaRes = pairs.Select(p => CatalogPattern.ToCatalogRegex(p.Schema)).ToArray();
        var nameRes = pairs.Select(p => CatalogPattern.ToCatalogRegex(p.Name)).ToArray();
        // Without -Type: a name without wildcards is found whatever its type; a listing or a pattern shows the
        // relations (tables, views, materialized views), which indexes and sequences would otherwise bury.
        var kinds = types is { Count: > 0 } ? ExpandTypes(types)
            : pairs.Count > 0 && pairs.All(p => !CatalogPattern.HasWildcards(p.Name)) ? []
            : RelationTypes;

        return Db.ReadOnly(connection, (conn, tx) =>
        {
            var items = new List<CrmDbObject>();
            using (var cmd = Command(conn, tx, "Catalog/objects.sql", cancellation))
            {
                using var cancel = CancelOn(cmd, cancellation);
                cmd.Parameters.Add(TextArray("schema_res", schemaRes));
                cmd.Parameters.Add(TextArray("exact_schemas", schemaList.Where(x => !CatalogPattern.HasWildcards(x)).Select(CatalogPattern.Unescape).ToArray()));
                cmd.Parameters.Add(TextArray("pair_schema_res", pairSchemaRes));
                cmd.Parameters.Add(TextArray("name_res", nameRes));
                cmd.Parameters.Add(TextArray("kinds", kinds));
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                    items.Add(new CrmDbObject
                    {
                        Schema = reader.GetString(0),
                        Name = reader.GetString(1),
                        Type = Enum.Parse<CrmObjectType>(reader.GetString(2)),
                        EstimatedRows = reader.ValueOrNull<long>(3),
                        SizeBytes = reader.ValueOrNull<long>(4),
                        Owner = reader.IsDBNull(5) ? "" : reader.GetString(5),
                        Description = reader.StringOrNull(6),
                        Parent = reader.StringOrNull(7),
                        Definition = reader.StringOrNull(8),
                    });
            }

            var errors = new List<CrmException>();
            var missing = pairs.Where(p => !CatalogPattern.HasWildcards(p.Name))
                .Where(p => !items.Any(o => string.Equals(o.Name, CatalogPattern.Unescape(p.Name), StringComparison.Ordinal)
                                            && (CatalogPattern.HasWildcards(p.Schema) || string.Equals(o.Schema, CatalogPattern.Unescape(p.Schema), StringComparison.Ordinal))))
                .Select(p => (Schema: CatalogPattern.Unescape(p.Schema), Name: CatalogPattern.Unescape(p.Name)))
                .Distinct()
                .ToList();
            if (missing.Count > 0)
            {
                var candidates = CandidateNames(conn, tx, cancellation);
                var typesText = types is { Count: > 0 } ? string.Join(", ", kinds) : null;
                foreach (var m in missing)
                    errors.Add(NotFound("Object", m.Schema, m.Name, candidates, typesText, connection));
            }
            return new CatalogResult<CrmDbObject>(items, errors);
        }, "Reading objects");
    }

    private static string[] ExpandTypes(IReadOnlyList<CrmObjectType>? types)
    {
        if (types is not { Count: > 0 }) return [];
        var set = new HashSet<string>();
        foreach (var t in types)
        {
            set.Add(t.ToString());
            if (t == CrmObjectType.Table) { set.Add(nameof(CrmObjectType.PartitionedTable)); }
            if (t == CrmObjectType.Function) set.Add(nameof(CrmObjectType.Procedure));
        }
        return set.ToArray();
    }

    // ---------------------------------------------------------------- columns

    /// <summary>Columns of a table, view or materialized view ("name" or "schema.name").</summary>
    public static IReadOnlyList<CrmColumn> GetColumns(CrmConnection connection, string table, string? schema = null, CancellationToken cancellation = default)
    {
        var (s, n) = Exact(ResolveName(table, schema));
        return Db.ReadOnly(connection, (conn, tx) =>
        {
            var items = new List<CrmColumn>();
            using (var cmd = Command(conn, tx, "Catalog/columns.sql", cancellation))
            {
                using var cancel = CancelOn(cmd, cancellation);
                cmd.Parameters.AddWithValue("schema", s);
                cmd.Parameters.AddWithValue("name", n);
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    var identity = reader.GetString(11);
                    var generated = reader.GetString(12);
                    items.Add(new CrmColumn
                    {
                        Schema = reader.GetString(0),
                        Table = reader.GetString(1),
                        Name = reader.GetString(2),
                        Position = reader.GetInt32(3),
                        DataType = reader.GetString(4),
                        IsNullable = reader.GetBoolean(5),
                        Default = reader.StringOrNull(6),
                        IsPrimaryKey = reader.GetBoolean(7),
                        References = reader.StringOrNull(8),
                        Description = reader.StringOrNull(9),
                        IsIdentity = reader.GetBoolean(10),
                        Identity = identity switch { "a" => "ALWAYS", "d" => "BY DEFAULT", _ => null },
                        IsGenerated = generated is "s",
                    });
                }
            }
            if (items.Count == 0) throw NotFound("Table or view", s, n, CandidateNames(conn, tx, cancellation), connection: connection);
            return items;
        }, $"Reading the columns of {s}.{n}");
    }

    // ---------------------------------------------------------------- dependencies

    /// <summary>
    /// Transitive dependencies through views and materialized views: upstream (what it is built
    /// from) or downstream (what is built on it). Each edge is Name → DependsOn at its shortest Depth.
    /// </summary>
    public static IReadOnlyList<CrmDependency> GetDependencies(CrmConnection connection, string name, string? schema,
        string direction, CancellationToken cancellation = default) =>
        GetDependencies(connection, name, schema, Enum.Parse<CrmDependencyDirection>(direction, ignoreCase: true), cancellation);

    public static IReadOnlyList<CrmDependency> GetDependencies(CrmConnection connection, string name, string? schema = null,
        CrmDependencyDirection direction = CrmDependencyDirection.Upstream, CancellationToken cancellation = default)
    {
        var (s, n) = Exact(ResolveName(name, schema));
        return Db.ReadOnly(connection, (conn, tx) =>
        {
            var items = new List<CrmDependency>();
            var found = false;
            using (var cmd = Command(conn, tx, "Catalog/dependencies.sql", cancellation))
            {
                using var cancel = CancelOn(cmd, cancellation);
                cmd.Parameters.AddWithValue("schema", s);
                cmd.Parameters.AddWithValue("name", n);
                cmd.Parameters.AddWithValue("downstream", direction == CrmDependencyDirection.Downstream);
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                {
                    found = true;
                    if (reader.IsDBNull(6)) continue;
                    items.Add(new CrmDependency
                    {
                        Schema = reader.GetString(0),
                        Name = reader.GetString(1),
                        Type = KindName(reader.GetString(2)),
                        DependsOnSchema = reader.GetString(3),
                        DependsOn = reader.GetString(4),
                        DependsOnType = KindName(reader.GetString(5)),
                        Depth = reader.GetInt32(6),
                        Direction = direction,
                    });
                }
            }
            if (!found) throw NotFound("Table or view", s, n, CandidateNames(conn, tx, cancellation), connection: connection);
            return items;
        }, $"Reading the dependencies of {s}.{n}");
    }

    private static string KindName(string relkind) => relkind switch
    {
        "r" => "Table", "p" => "PartitionedTable", "v" => "View", "m" => "MaterializedView", "f" => "ForeignTable",
        "i" or "I" => "Index", "S" => "Sequence", _ => relkind,
    };

    // ---------------------------------------------------------------- row counts

    /// <summary>One (schema, table) request for a row count, as typed (schema empty: public, or the table's own "schema.name"); either may hold wildcards.</summary>
    public readonly record struct RelationRequest(string Schema, string Name);

    /// <summary>
    /// Resolves tables, views and materialized views to row-count rows carrying the catalog estimate
    /// (IsExact false; Rows null when never analyzed). No requests: every table and materialized view
    /// in the public schema. One round trip however many requests (plus one for suggestions when a
    /// name is not found).
    /// </summary>
    public static CatalogResult<CrmRowCount> GetRowEstimates(CrmConnection connection, IReadOnlyList<RelationRequest> requests, CancellationToken cancellation = default)
    {
        if (requests.Count == 0) requests = [new RelationRequest(DefaultSchema, "*")];
        var exact = new List<RelationRequest>();
        var patterns = new List<RelationRequest>();
        foreach (var r in requests)
        {
            var (qs, qn) = ResolveName(r.Name, r.Schema);
            if (CatalogPattern.HasWildcards(qs) || CatalogPattern.HasWildcards(qn))
                patterns.Add(new RelationRequest(CatalogPattern.ToCatalogRegex(qs), CatalogPattern.ToCatalogRegex(qn)));
            else
                exact.Add(new RelationRequest(CatalogPattern.Unescape(qs), CatalogPattern.Unescape(qn)));
        }

        return Db.ReadOnly(connection, (conn, tx) =>
        {
            var items = new List<CrmRowCount>();
            using (var cmd = Command(conn, tx, "Catalog/relations.sql", cancellation))
            {
                using var cancel = CancelOn(cmd, cancellation);
                cmd.Parameters.Add(TextArray("exact_schemas", exact.Select(e => e.Schema).ToArray()));
                cmd.Parameters.Add(TextArray("exact_names", exact.Select(e => e.Name).ToArray()));
                cmd.Parameters.Add(TextArray("pattern_schemas", patterns.Select(e => e.Schema).ToArray()));
                cmd.Parameters.Add(TextArray("pattern_names", patterns.Select(e => e.Name).ToArray()));
                cmd.Parameters.Add(TextArray("pattern_kinds", TableKinds));
                using var reader = cmd.ExecuteReader();
                while (reader.Read())
                    items.Add(new CrmRowCount
                    {
                        Schema = reader.GetString(0),
                        Table = reader.GetString(1),
                        Type = Enum.Parse<CrmObjectType>(reader.GetString(2)),
                        Rows = reader.ValueOrNull<long>(3),
                        IsExact = false,
                    });
            }
            var found = new HashSet<(string, string)>(items.Select(i => (i.Schema, i.Table)));
            var errors = new List<CrmException>();
            var missing = exact.Where(e => !found.Contains((e.Schema, e.Name))).Distinct().ToList();
            if (missing.Count > 0)
            {
                var candidates = CandidateNames(conn, tx, cancellation);
                foreach (var m in missing) errors.Add(NotFound("Table or view", m.Schema, m.Name, candidates, connection: connection));
            }
            return new CatalogResult<CrmRowCount>(items, errors);
        }, "Reading row estimates");
    }

    /// <summary>
    /// Exact counts, count(*) per relation (quoted identifiers), each in its own READ ONLY transaction, returned as
    /// they come; a relation that cannot be counted is a non-terminating error through the host.
    /// </summary>
    public static IEnumerable<CrmRowCount> CountExact(CrmConnection connection, IReadOnlyList<CrmRowCount> relations, ICrmHost host)
    {
        const string activity = "Counting rows";
        for (var i = 0; i < relations.Count; i++)
        {
            host.Cancellation.ThrowIfCancellationRequested();
            var r = relations[i];
            host.WriteProgress(activity, $"count(*) {r.Schema}.{r.Table} ({i + 1} of {relations.Count})", i * 100 / relations.Count);
            CrmRowCount? counted = null;
            try
            {
                counted = CountOne(connection, r.Schema, r.Table, r.Type, host.Cancellation);
            }
            catch (CrmException ex) when (ex.Kind is not (CrmErrorKind.ConnectionError or CrmErrorKind.OperationStopped))
            {
                host.WriteError(ex);
            }
            if (counted != null) yield return counted;
        }
        host.WriteProgress(activity, "Done", 100);
    }

    private static CrmRowCount CountOne(CrmConnection connection, string schema, string table, CrmObjectType type, CancellationToken cancellation)
    {
        var sql = SqlText.Fill("Common/count-rows.sql", ("relation", Identifier.Quote(schema, table)));
        var watch = Stopwatch.StartNew();
        var rows = Db.ReadOnly(connection, (conn, tx) =>
        {
            if (type == CrmObjectType.MaterializedView)
            {
                // Never refreshed: it has no rows to count, and count(*) would fail. Unknown, not an error.
                using var probe = new NpgsqlCommand(SqlText.Get("Catalog/is-populated.sql"), conn, tx);
                probe.Parameters.AddWithValue("schema", schema);
                probe.Parameters.AddWithValue("name", table);
                if (probe.ExecuteScalar() is false) return (long?)null;
            }
            using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
            using var reg = cancellation.Register(() => { try { cmd.Cancel(); } catch { /* already done */ } });
            var value = cmd.ExecuteScalar();
            cancellation.ThrowIfCancellationRequested();
            return (long?)Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }, $"Counting the rows of {schema}.{table}");
        return new CrmRowCount { Schema = schema, Table = table, Type = type, Rows = rows, IsExact = rows != null, Duration = watch.Elapsed };
    }

    /// <summary>
    /// Test-CrmRowCount: the exact count of one table checked against -Minimum, -Maximum and/or
    /// -Expected (none given: at least one row).
    /// </summary>
    public static CrmCheckResult CheckRowCount(CrmConnection connection, string table, string? schema, long? minimum, long? maximum, long? expected,
        CancellationToken cancellation = default)
    {
        var resolved = GetRowEstimates(connection, [new RelationRequest(schema ?? "", table)], cancellation);
        if (resolved.Errors.Count > 0) throw resolved.Errors[0];
        var r = resolved.Items[0];
        var actual = CountOne(connection, r.Schema, r.Table, r.Type, cancellation).Rows!.Value;
        return Evaluate($"{r.Schema}.{r.Table}", actual, minimum, maximum, expected);
    }

    /// <summary>The pass/fail logic of Test-CrmRowCount (pure, unit-tested).</summary>
    public static CrmCheckResult Evaluate(string relation, long actual, long? minimum, long? maximum, long? expected)
    {
        if (minimum is null && maximum is null && expected is null) minimum = 1;
        var parts = new List<string>();
        var passed = true;
        if (expected is { } e) { parts.Add($"= {e:N0}"); passed &= actual == e; }
        if (minimum is { } min) { parts.Add($">= {min:N0}"); passed &= actual >= min; }
        if (maximum is { } max) { parts.Add($"<= {max:N0}"); passed &= actual <= max; }
        var expectation = string.Join(" and ", parts);
        return new CrmCheckResult
        {
            Check = "RowCount",
            Target = relation,
            Expected = expectation,
            Actual = actual.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Passed = passed,
            Message = passed
                ? $"{relation} has {actual:N0} rows ({expectation})."
                : $"{relation} has {actual:N0} rows; expected {expectation}.",
        };
    }

    // ---------------------------------------------------------------- completion

    /// <summary>
    /// Table and view names in a schema that start with (or match, with wildcards) what was typed,
    /// for tab completion. Never throws and gives up after <paramref name="timeout"/>: no completions
    /// rather than a stuck prompt.
    /// </summary>
    public static IReadOnlyList<string> CompleteNames(CrmConnection connection, string? schema, string? typed, TimeSpan timeout)
    {
        try
        {
            typed ??= "";
            var (s, n) = ResolveName(typed.Trim('\'', '"'), schema);
            return Completions(connection, "Catalog/complete.sql", "Completing names", timeout, n,
                cmd => cmd.Parameters.AddWithValue("schema", CatalogPattern.Unescape(s)));
        }
        catch
        {
            return [];
        }
    }

    /// <summary>Schema names that start with what was typed, for tab completion; never throws, gives up after <paramref name="timeout"/>.</summary>
    public static IReadOnlyList<string> CompleteSchemas(CrmConnection connection, string? typed, TimeSpan timeout)
    {
        try
        {
            var n = CatalogPattern.FromIdentifier(string.IsNullOrEmpty(typed) ? "*" : typed.Trim('\'', '"')).Name;
            return Completions(connection, "Catalog/complete-schemas.sql", "Completing schemas", timeout, n, _ => { });
        }
        catch
        {
            return [];
        }
    }

    /// <summary>
    /// One completion query (its @name_re from <paramref name="name"/>, a trailing * added), bounded by
    /// <paramref name="timeout"/> on the server and on the client: no completions rather than a stuck prompt.
    /// </summary>
    private static List<string> Completions(CrmConnection connection, string sql, string what, TimeSpan timeout, string name,
        Action<NpgsqlCommand> bind)
    {
        using var cts = new CancellationTokenSource(timeout);
        var task = Task.Run(() => Db.ReadOnly(connection, (conn, tx) =>
        {
            using var cmd = Command(conn, tx, sql, cts.Token);
            using var cancel = CancelOn(cmd, cts.Token);
            cmd.CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
            bind(cmd);
            cmd.Parameters.AddWithValue("name_re", CatalogPattern.ToRegex(name.EndsWith('*') ? name : name + "*"));
            var names = new List<string>();
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) names.Add(reader.GetString(0));
            return names;
        }, what), cts.Token);
        return task.Wait(timeout) ? task.Result : [];
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// A name and schema as typed → (schema, name) patterns (see <see cref="CatalogPattern.FromIdentifier"/>): read as
    /// PostgreSQL reads them (unquoted folds to lower case, "Quoted" keeps its case); "schema.name" names its schema,
    /// else <paramref name="schema"/>, else public. <see cref="CatalogPattern.Unescape"/> gives the exact name of a part
    /// without wildcards. (Cmdlets pass names that came down the pipeline quoted: those are exact already.)
    /// </summary>
    public static (string Schema, string Name) ResolveName(string text, string? schema)
    {
        if (string.IsNullOrEmpty(text))
            throw new CrmException("InvalidName", CrmErrorKind.InvalidArgument, "A table or view name is required.");
        var (s, n) = CatalogPattern.FromIdentifier(text);
        return (s ?? (string.IsNullOrEmpty(schema) ? DefaultSchema : CatalogPattern.FromIdentifier(schema).Name), n);
    }

    /// <summary>The exact names of a resolved pair (wildcard characters are plain characters here).</summary>
    private static (string Schema, string Name) Exact((string Schema, string Name) pair) =>
        (CatalogPattern.Unescape(pair.Schema), CatalogPattern.Unescape(pair.Name));

    private static NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction tx, string sqlName, CancellationToken cancellation)
    {
        return new NpgsqlCommand(SqlText.Get(sqlName), conn, tx);
    }

    /// <summary>Cancels the command on the server when the token fires (Ctrl+C, a completion timeout).</summary>
    private static CancellationTokenRegistration CancelOn(NpgsqlCommand cmd, CancellationToken cancellation) =>
        cancellation.CanBeCanceled
            ? cancellation.Register(() => { try { cmd.Cancel(); } catch { /* already finished */ } })
            : default;

    private static NpgsqlParameter TextArray(string name, string[] values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values };

    /// <summary>Relations (of the given relkinds; none: all) whose names a "did you mean" may suggest.</summary>
    public static List<(string Schema, string Name)> CandidateNames(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken cancellation,
        params string[] relkinds)
    {
        var list = new List<(string, string)>();
        using var cmd = new NpgsqlCommand(SqlText.Get("Catalog/names.sql"), conn, tx);
        using var cancel = CancelOn(cmd, cancellation);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
            if (relkinds.Length == 0 || relkinds.Contains(reader.GetString(2)))
                list.Add((reader.GetString(0), reader.GetString(1)));
        return list;
    }

    /// <summary>
    /// An ObjectNotFound error that names the object and suggests close names ("Did you mean ...?"). Its
    /// RecommendedAction is a command to run: <paramref name="retry"/> with the best suggestion when the caller gives
    /// one (Invoke-CrmTimelineRefresh customer_activity_timeline), else a listing of what exists; with -Connection as
    /// the user gave it. <see cref="CrmException.Correction"/> lets the host rewrite the user's own command instead.
    /// </summary>
    public static CrmException NotFound(string what, string schema, string name, IEnumerable<(string Schema, string Name)> candidates, string? types = null,
        CrmConnection? connection = null, Func<string, string>? retry = null)
    {
        var byDisplay = new Dictionary<string, (string Schema, string Name)>(StringComparer.Ordinal);
        foreach (var c in candidates) byDisplay.TryAdd(c.Schema == schema ? c.Name : $"{c.Schema}.{c.Name}", c);
        var suggestions = NameSuggester.Suggest(name, byDisplay.Keys);
        var where = types is null ? $"in schema {schema}" : $"of type {types} in schema {schema}";
        var message = $"{what} '{name}' was not found {where}.";
        if (suggestions.Count > 0) message += $" Did you mean {string.Join(" or ", suggestions.Select(x => $"'{x}'"))}?";
        string Cmd(string c) => connection is null ? c : Advice.Command(connection, c);
        var listing = Cmd($"Get-CrmDbObject -Schema {ArgumentFor(null, schema)}");
        string? best = null;
        if (suggestions.Count > 0)
        {
            var (bs, bn) = byDisplay[suggestions[0]];
            best = ArgumentFor(bs == schema ? null : bs, bn);
        }
        return new CrmException("ObjectNotFound", CrmErrorKind.ObjectNotFound, message, name)
        {
            RecommendedAction = best != null && retry != null ? Cmd(retry(best)) : listing,
            Correction = best != null ? new NameCorrection(name, best) : null,
        };
    }

    /// <summary>
    /// A name as a command argument that CrmOps reads back as the same name: bare when it is lower case (unquoted names
    /// fold to lower case), else each part quoted as SQL does, inside PowerShell's single quotes ('"Customer_Profiles"').
    /// </summary>
    public static string ArgumentFor(string? schema, string name)
    {
        static bool Plain(string part) => part.Length > 0 && !char.IsAsciiDigit(part[0]) && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
        if ((schema is null || Plain(schema)) && Plain(name)) return schema is null ? name : $"{schema}.{name}";
        var sql = schema is null ? Identifier.Quote(name) : Identifier.Quote(schema, name);
        return "'" + sql.Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
