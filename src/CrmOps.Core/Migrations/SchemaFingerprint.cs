using System.Text.RegularExpressions;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>One object that differs between two fingerprints.</summary>
public sealed record SchemaDifference(string Kind, string Name, string? Before, string? After)
{
    public string Change => Before == null ? "Added" : After == null ? "Removed" : "Changed";
}

/// <summary>
/// The schema as a set of (kind, name) → definition: tables, columns (type, null, default), constraints, indexes,
/// views and their definitions, functions and their bodies, triggers, policies, types and comments.
/// </summary>
public sealed class SchemaFingerprint
{
    public IReadOnlyDictionary<(string Kind, string Name), string> Objects { get; }

    private SchemaFingerprint(Dictionary<(string, string), string> objects) => Objects = objects;

    internal static SchemaFingerprint Take(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        var objects = new Dictionary<(string, string), string>();
        using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/fingerprint.sql"), conn, tx);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            objects[(r.GetString(0), r.GetString(1))] = r.IsDBNull(2) ? "" : r.GetString(2);
        return new SchemaFingerprint(objects);
    }

    public IReadOnlyList<SchemaDifference> Compare(SchemaFingerprint after)
    {
        var diffs = new List<SchemaDifference>();
        foreach (var (key, def) in Objects)
        {
            if (!after.Objects.TryGetValue(key, out var afterDef)) diffs.Add(new(key.Kind, key.Name, def, null));
            else if (!string.Equals(def, afterDef, StringComparison.Ordinal)) diffs.Add(new(key.Kind, key.Name, def, afterDef));
        }
        foreach (var (key, def) in after.Objects)
            if (!Objects.ContainsKey(key)) diffs.Add(new(key.Kind, key.Name, null, def));
        return diffs.OrderBy(d => d.Kind, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
    }
}

/// <summary>Finds the existing tables a statement touches (ALTER TABLE, CREATE INDEX/TRIGGER ... ON, UPDATE, DELETE FROM,
/// INSERT INTO, DROP TABLE, TRUNCATE), searching the statement's code only (never strings, comments or bodies).</summary>
public static class TouchedTables
{
    private const string Name = @"(?:""(?:[^""]|"""")+""|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:""(?:[^""]|"""")+""|[A-Za-z_][\w$]*))?";
    private const string NotKeyword = @"(?!(?:ON|OF|SET|ONLY|IF|TABLE)\b)";
    private static readonly Regex[] Single =
    [
        new($@"\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{NotKeyword}(?<t>{Name})", RegexOptions.IgnoreCase),
        new($@"\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:(?:IF\s+NOT\s+EXISTS\s+)?{NotKeyword}{Name}\s+)?ON\s+(?:ONLY\s+)?(?<t>{Name})", RegexOptions.IgnoreCase),
        new($@"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER\s+{Name}\s+[\s\S]*?\bON\s+(?<t>{Name})", RegexOptions.IgnoreCase),
        new($@"(?<!\b(?:ON|FOR|DO|OR|KEY|NO)\s+)\bUPDATE\s+(?:ONLY\s+)?{NotKeyword}(?<t>{Name})\s+(?:AS\s+)?(?:{Name}\s+)?SET\b", RegexOptions.IgnoreCase),
        new($@"\bDELETE\s+FROM\s+(?:ONLY\s+)?(?<t>{Name})", RegexOptions.IgnoreCase),
        new($@"\bINSERT\s+INTO\s+(?<t>{Name})", RegexOptions.IgnoreCase),
    ];
    private static readonly Regex[] Lists =
    [
        new($@"\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?<l>{Name}(?:\s*,\s*{Name})*)", RegexOptions.IgnoreCase),
        new($@"\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(?<l>{Name}(?:\s*,\s*{Name})*)", RegexOptions.IgnoreCase),
    ];
    private static readonly Regex OneName = new(Name);

    /// <summary>Table names as written (quoted parts kept quoted), in order of appearance, without duplicates.</summary>
    public static IReadOnlyList<string> Find(SqlStatement statement)
    {
        var found = new List<(int, string)>();
        foreach (var rx in Single)
            foreach (Match m in rx.Matches(statement.Code))
                found.Add((m.Groups["t"].Index, Canon(m.Groups["t"].Value)));
        foreach (var rx in Lists)
            foreach (Match m in rx.Matches(statement.Code))
                foreach (Match n in OneName.Matches(m.Groups["l"].Value))
                    found.Add((m.Groups["l"].Index + n.Index, Canon(n.Value)));
        return found.OrderBy(f => f.Item1).Select(f => f.Item2).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>schema.table with each part quoted (unquoted parts folded to lower case), ready for to_regclass.</summary>
    private static string Canon(string written)
    {
        return Identifier.Parse(written).Quoted;
    }
}
