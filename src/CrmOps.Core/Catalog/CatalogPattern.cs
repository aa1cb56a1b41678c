using System.Text;
using CrmOps.Errors;
using CrmOps.Sql;

namespace CrmOps.Catalog;

/// <summary>
/// PowerShell wildcards (* ? [abc] [a-c], backtick escapes) as PostgreSQL regular expressions,
/// anchored at both ends. The result is always passed as a parameter value (never spliced into SQL)
/// and matched with ~* (case-insensitive, like PowerShell's -like).
/// </summary>
public static class CatalogPattern
{
    /// <summary>True when the text holds an unescaped *, ? or [ (so it is a pattern, not a name).</summary>
    public static bool HasWildcards(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '`') { i++; continue; }
            if (ch is '*' or '?' or '[') return true;
        }
        return false;
    }

    /// <summary>The name a pattern without wildcards stands for (backtick escapes removed).</summary>
    public static string Unescape(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '`' && i + 1 < text.Length) i++;
            sb.Append(text[i]);
        }
        return sb.ToString();
    }

    /// <summary>
    /// A name as typed, read as PostgreSQL reads it: unquoted parts fold to lower case, "quoted" parts keep their case and
    /// every character. Returned as patterns for <see cref="ToCatalogRegex"/> and <see cref="Unescape"/>: a quoted part's
    /// wildcard characters are escaped (a quoted name is never a pattern). Text that is not one or two identifiers
    /// (customers; drop table x) is one name as it stands, which simply matches nothing.
    /// </summary>
    public static (string? Schema, string Name) FromIdentifier(string text)
    {
        if (!Identifier.TryParse(text, out var q, out var schemaQuoted, out var nameQuoted)) return (null, text);
        return (q.Schema is null ? null : schemaQuoted ? Escape(q.Schema) : q.Schema, nameQuoted ? Escape(q.Name) : q.Name);
    }

    /// <summary>A literal name as a pattern that matches only itself (wildcard characters and backticks escaped).</summary>
    public static string Escape(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (c is '*' or '?' or '[' or ']' or '`') sb.Append('`');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// The regular expression the catalog queries match (with ~*): a pattern with wildcards matches case-insensitively,
    /// like PowerShell's -like; an exact name only in its own case ("(?c)": PostgreSQL's names are case-sensitive once read).
    /// </summary>
    public static string ToCatalogRegex(string pattern) => (HasWildcards(pattern) ? "" : "(?c)") + ToRegex(pattern);

    /// <summary>Translates a PowerShell wildcard pattern into an anchored PostgreSQL (ARE) regular expression.</summary>
    public static string ToRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            switch (ch)
            {
                case '`':
                    if (i + 1 < pattern.Length) AppendLiteral(sb, pattern[++i]);
                    else AppendLiteral(sb, ch);
                    break;
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var close = FindClose(pattern, i);
                    if (close < 0)
                        throw new CrmException("InvalidWildcardPattern", CrmErrorKind.InvalidArgument,
                            $"The pattern '{pattern}' has a '[' without a closing ']'. Escape a literal bracket with a backtick: `[.", pattern);
                    sb.Append('[');
                    for (var j = i + 1; j < close; j++)
                    {
                        var c = pattern[j];
                        if (c == '`' && j + 1 < close) c = pattern[++j];
                        else if (c == '-' && j > i + 1 && j < close - 1) { sb.Append('-'); continue; }
                        // Inside a bracket expression only these are special; escape them.
                        if (c is '\\' or ']' or '[' or '^' or '-') sb.Append('\\');
                        sb.Append(c);
                    }
                    sb.Append(']');
                    i = close;
                    break;
                default: AppendLiteral(sb, ch); break;
            }
        }
        return sb.Append('$').ToString();
    }

    private static int FindClose(string pattern, int open)
    {
        for (var j = open + 1; j < pattern.Length; j++)
        {
            if (pattern[j] == '`') { j++; continue; }
            if (pattern[j] == ']' && j > open + 1) return j;
        }
        return -1;
    }

    private static void AppendLiteral(StringBuilder sb, char ch)
    {
        if (!char.IsLetterOrDigit(ch) && ch != '_' && ch < 128) sb.Append('\\');
        sb.Append(ch);
    }
}
