using System.Text.RegularExpressions;
using CrmOps.Sql;

namespace CrmOps.Migrations;

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
