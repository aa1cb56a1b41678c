using System.Text;

namespace CrmOps.Schema;

/// <summary>
/// Makes cosmetic differences disappear before two definitions are compared: comments, the amount and kind of
/// whitespace, the case of keywords and unquoted names (PostgreSQL folds them), spaces around ( ) , ; = and a trailing
/// semicolon (and around : as in := and ::). String literals and quoted identifiers are kept exactly. Comments on objects are compared as written
/// (only line endings and surrounding whitespace are ignored); privileges and other short values are already canonical.
/// </summary>
public static class SqlNormalizer
{
    public static string Normalize(string property, string? value)
    {
        if (value == null) return "";
        if (property == "Comment") return value.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        return NormalizeSql(value);
    }

    public static string NormalizeSql(string sql)
    {
        var sb = new StringBuilder(sql.Length);
        var pendingSpace = false;
        var i = 0;
        void Emit(char c)
        {
            if (pendingSpace && sb.Length > 0 && !IsTight(sb[^1]) && !IsTight(c)) sb.Append(' ');
            pendingSpace = false;
            sb.Append(c);
        }
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) { pendingSpace = true; i++; continue; }
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
                pendingSpace = true;
                continue;
            }
            if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var depth = 0;
                while (i < sql.Length)
                {
                    if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*') { depth++; i += 2; continue; }
                    if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/') { depth--; i += 2; if (depth == 0) break; continue; }
                    i++;
                }
                pendingSpace = true;
                continue;
            }
            if (c is '\'' or '"')
            {
                // E'...' strings take backslash escapes; others double the quote.
                var backslash = c == '\'' && sb.Length > 0 && sb[^1] == 'e' && (sb.Length == 1 || !IsWordChar(sb[^2]));
                Emit(c);
                i++;
                while (i < sql.Length)
                {
                    var d = sql[i];
                    sb.Append(d);
                    i++;
                    if (backslash && d == '\\' && i < sql.Length) { sb.Append(sql[i]); i++; continue; }
                    if (d == c)
                    {
                        if (i < sql.Length && sql[i] == c) { sb.Append(c); i++; continue; }
                        break;
                    }
                }
                continue;
            }
            Emit(char.ToLowerInvariant(c));
            i++;
        }
        var text = sb.ToString().TrimEnd();
        while (text.EndsWith(';')) text = text[..^1].TrimEnd();
        return text;
    }

    private static bool IsTight(char c) => c is '(' or ')' or ',' or ';' or '=' or ':';
    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';
}
