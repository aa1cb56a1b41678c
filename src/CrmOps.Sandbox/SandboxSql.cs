using CrmOps.Sql;

namespace CrmOps.Sandbox;

/// <summary>The sandbox's own SQL files (src/CrmOps.Sandbox/Sql/Sandbox/*.sql), read the way the core reads its own.</summary>
internal static class SandboxSql
{
    public static string Get(string name) => SqlText.Get(typeof(SandboxSql).Assembly, name);

    /// <summary>A file with its {key} placeholders filled (values computed in code, never user text).</summary>
    public static string Fill(string name, params (string Key, string Value)[] parts)
    {
        var text = Get(name);
        foreach (var (key, value) in parts) text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        return text;
    }
}
