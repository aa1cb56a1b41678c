using System.Text;
using CrmOps.Errors;

namespace CrmOps.Sql;

/// <summary>A table or other relation name as PostgreSQL reads it: an optional schema and a name, each unquoted already.</summary>
public readonly record struct QualifiedName(string? Schema, string Name)
{
    /// <summary>"schema"."name" (or "name" alone), each part quoted.</summary>
    public string Quoted => Schema == null ? Identifier.Quote(Name) : Identifier.Quote(Schema, Name);

    /// <summary>schema.name as a person writes it, unquoted.</summary>
    public override string ToString() => Schema == null ? Name : $"{Schema}.{Name}";
}

/// <summary>
/// The one identifier helper of CrmOps: names are always quoted before they reach SQL text, and a name given by a
/// user or a migration file is read the way PostgreSQL reads it (a quoted part keeps its case and may hold any
/// character; an unquoted part folds to lower case).
/// </summary>
public static class Identifier
{
    /// <summary>Quotes an identifier the way PostgreSQL's quote_ident does for every name: "a""b".</summary>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
            throw Invalid(name, "an identifier must be non-empty text without NUL characters.");
        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>"schema"."name".</summary>
    public static string Quote(string schema, string name) => Quote(schema) + "." + Quote(name);

    /// <summary>
    /// Reads <c>name</c>, <c>schema.name</c>, <c>"Mixed Case"."name"</c> (whitespace around the dot allowed).
    /// False when the text is not one or two identifiers (for example <c>customers; drop table x</c>): callers that take
    /// any text as a name then use the text as it is, which simply matches nothing.
    /// </summary>
    public static bool TryParse(string text, out QualifiedName name)
    {
        name = default;
        if (string.IsNullOrEmpty(text)) return false;
        var parts = new List<string>(2);
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) return false;
            var sb = new StringBuilder();
            if (text[i] == '"')
            {
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { sb.Append('"'); i += 2; continue; }
                        i++;
                        closed = true;
                        break;
                    }
                    sb.Append(text[i++]);
                }
                if (!closed || sb.Length == 0) return false;
            }
            else
            {
                while (i < text.Length && IsPlainChar(text[i])) sb.Append(char.ToLowerInvariant(text[i++]));
                if (sb.Length == 0 || char.IsDigit(sb[0])) return false;
            }
            parts.Add(sb.ToString());
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            if (text[i] != '.' || parts.Count == 2) return false;
            i++;
        }
        name = parts.Count == 1 ? new QualifiedName(null, parts[0]) : new QualifiedName(parts[0], parts[1]);
        return true;
    }

    /// <summary>As <see cref="TryParse"/>, for names that must be valid (migration directives): an error otherwise.</summary>
    public static QualifiedName Parse(string text) =>
        TryParse(text, out var name) ? name : throw Invalid(text, $"'{text}' is not a name or schema.name (quote a name that holds other characters: \"My Table\").");

    /// <summary>
    /// A name given as a parameter: parsed when it is one, else the whole text as one name (so
    /// <c>customers; DROP TABLE x</c> is only a name that does not exist). Wildcard characters count as name characters.
    /// </summary>
    public static QualifiedName ParseLenient(string text) =>
        TryParse(text, out var name) ? name : new QualifiedName(null, text);

    // Unquoted identifier characters, plus PowerShell's wildcard characters (* ? [ ] `), which pattern parameters carry through.
    private static bool IsPlainChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' or '*' or '?' or '[' or ']' or '`';

    private static CrmException Invalid(string text, string message) =>
        new("IdentifierInvalid", CrmErrorKind.InvalidArgument, message[0] == '\'' ? message : "Invalid identifier: " + message, text);
}
