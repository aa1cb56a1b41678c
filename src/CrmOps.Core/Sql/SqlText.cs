using System.Collections.Concurrent;
using System.Reflection;

namespace CrmOps.Sql;

/// <summary>
/// The one place SQL text comes from: named .sql files under src/CrmOps.Core/Sql, embedded as
/// resources ("Sql/Catalog/objects.sql" is read as SqlText.Get("Catalog/objects.sql")).
/// </summary>
public static class SqlText
{
    private static readonly ConcurrentDictionary<(Assembly, string), string> Cache = new();

    public static string Get(string name) => Get(typeof(SqlText).Assembly, name);

    /// <summary>An embedded SQL file of another CrmOps assembly (the sandbox keeps its own under its Sql/ folder).</summary>
    public static string Get(Assembly assembly, string name) => Cache.GetOrAdd((assembly, name), static key =>
    {
        using var stream = key.Item1.GetManifestResourceStream("Sql/" + key.Item2)
            ?? throw new InvalidOperationException($"Embedded SQL 'Sql/{key.Item2}' not found in {key.Item1.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return StartingAtStatement(reader.ReadToEnd());
    });

    /// <summary>
    /// An embedded file with its {key} placeholders filled. Only for what SQL cannot take as a parameter: identifiers
    /// already quoted by <see cref="Identifier.Quote(string)"/>, keywords and numbers computed in code, never user text.
    /// </summary>
    public static string Fill(string name, params (string Key, string Value)[] parts)
    {
        var text = Get(name);
        foreach (var (key, value) in parts) text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// A file's text without its leading comment lines: the server sees the statement itself (pg_stat_activity shows
    /// "REFRESH ...", not the file's header), and Npgsql's COPY API finds the COPY it wants at the start.
    /// </summary>
    private static string StartingAtStatement(string sql) =>
        string.Join('\n', sql.Split('\n').SkipWhile(line => line.TrimStart().StartsWith("--", StringComparison.Ordinal) || line.Trim().Length == 0));
}
