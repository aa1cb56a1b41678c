using System.Collections.Concurrent;
using System.Reflection;

namespace CrmOps.Sql;

/// <summary>
/// The one place SQL text comes from: named .sql files under src/CrmOps.Core/Sql, embedded as
/// resources ("Sql/Catalog/objects.sql" is read as SqlText.Get("Catalog/objects.sql")).
/// </summary>
public static class SqlText
{
    private static readonly ConcurrentDictionary<string, string> Cache = new();

    public static string Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(SqlText).Assembly.GetManifestResourceStream("Sql/" + n)
            ?? throw new InvalidOperationException($"Embedded SQL 'Sql/{n}' not found.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Names of all embedded SQL files under a folder, e.g. "Sandbox/".</summary>
    public static IEnumerable<string> List(string folder) =>
        typeof(SqlText).Assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith("Sql/" + folder, StringComparison.Ordinal))
            .Select(r => r.Substring(4))
            .OrderBy(r => r, StringComparer.Ordinal);
}
