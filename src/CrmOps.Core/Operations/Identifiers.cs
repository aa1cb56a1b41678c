namespace CrmOps.Operations;

/// <summary>Quoting and splitting of object names: identifiers are always quoted, never pasted raw.</summary>
public static class Identifiers
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public static string Quote(string schema, string name) => Quote(schema) + "." + Quote(name);

    /// <summary>"schema.name" or "name" (default schema public). A quoted part may contain dots.</summary>
    public static (string Schema, string Name) Split(string qualified, string defaultSchema = "public")
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < qualified.Length; i++)
        {
            var ch = qualified[i];
            if (ch == '"')
            {
                if (quoted && i + 1 < qualified.Length && qualified[i + 1] == '"') { current.Append('"'); i++; }
                else quoted = !quoted;
            }
            else if (ch == '.' && !quoted) { parts.Add(current.ToString()); current.Clear(); }
            else current.Append(ch);
        }
        parts.Add(current.ToString());
        return parts.Count == 2 ? (parts[0], parts[1]) : (defaultSchema, parts.Count == 1 ? parts[0] : qualified);
    }
}
