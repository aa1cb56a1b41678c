using CrmOps.Errors;

namespace CrmOps.Catalog;

/// <summary>Identifiers are always quoted: a name is only ever a name, never SQL.</summary>
public static class Identifier
{
    /// <summary>Quotes an identifier the way PostgreSQL's quote_ident does for every name: "a""b".</summary>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('\0'))
            throw new CrmException("InvalidIdentifier", CrmErrorKind.InvalidArgument, "An identifier must be non-empty text without NUL characters.", name);
        return "\"" + name.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>"schema"."name".</summary>
    public static string Quote(string schema, string name) => Quote(schema) + "." + Quote(name);

    /// <summary>
    /// Splits "schema.name" when the part before the first dot is a plain identifier and no schema was
    /// given; otherwise the whole text is the name.
    /// </summary>
    public static (string? Schema, string Name) Split(string text)
    {
        var dot = text.IndexOf('.');
        if (dot > 0 && dot < text.Length - 1 && IsPlain(text[..dot])) return (text[..dot], text[(dot + 1)..]);
        return (null, text);
    }

    private static bool IsPlain(string s) =>
        (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c is '_' or '$');
}
