using System.Text;

namespace CrmOps.Lint;

public enum SqlTokenKind
{
    /// <summary>An unquoted word: a keyword or an identifier (<see cref="SqlToken.Value"/> folded to lower case).</summary>
    Word,
    /// <summary>A "quoted identifier" (<see cref="SqlToken.Value"/> exactly as written inside the quotes).</summary>
    QuotedIdent,
    /// <summary>A string constant ('...', E'...', U&amp;'...', B'...', X'...'): its content.</summary>
    StringConstant,
    /// <summary>A dollar-quoted string ($$...$$, $fn$...$fn$): its content.</summary>
    Dollar,
    Number,
    /// <summary>$1, $2: a parameter.</summary>
    Param,
    /// <summary>Punctuation and operators: ( ) , ; . [ ] :: and operator runs (=, &lt;&gt;, ||, ...).</summary>
    Symbol,
}

/// <summary>One token of a statement; <see cref="Offset"/> is its position in the statement's text.</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, string Value, int Offset)
{
    public bool IsWord(string lower) => Kind == SqlTokenKind.Word && Value == lower;
    public bool IsSymbol(string s) => Kind == SqlTokenKind.Symbol && Value == s;
    /// <summary>A word or a quoted identifier: something that can name an object.</summary>
    public bool IsName => Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdent;
    public override string ToString() => Kind == SqlTokenKind.QuotedIdent ? "\"" + Value + "\"" : Value;
}

/// <summary>
/// PostgreSQL's lexical rules (scan.l) for one statement: comments (-- and nested /* */) dropped, unquoted words
/// folded to lower case, quoted identifiers kept exactly, string constants in all their forms, dollar quotes,
/// numbers, parameters and operators. The lint reads statements through these tokens, never through regular
/// expressions, so a keyword inside a string, a comment, a quoted name or a function body is never taken for one.
/// </summary>
public static class SqlLexer
{
    public static List<SqlToken> Tokenize(string sql)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        var n = sql.Length;
        while (i < n)
        {
            var c = sql[i];
            var next = i + 1 < n ? sql[i + 1] : '\0';
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '-' && next == '-')
            {
                while (i < n && sql[i] != '\n') i++;
                continue;
            }
            if (c == '/' && next == '*')
            {
                var depth = 0;
                while (i < n)
                {
                    if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') { depth++; i += 2; continue; }
                    if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') { depth--; i += 2; if (depth == 0) break; continue; }
                    i++;
                }
                continue;
            }
            var start = i;
            // String constants with a prefix: E'..', B'..', X'..', N'..', U&'..'; U&"..." identifiers.
            if ((c is 'e' or 'E' or 'b' or 'B' or 'x' or 'X' or 'n' or 'N') && next == '\'' && !PrevIsIdent(sql, i))
            {
                i = ReadString(sql, i + 1, escapes: c is 'e' or 'E', out var content);
                tokens.Add(new(SqlTokenKind.StringConstant, content, start));
                continue;
            }
            if ((c is 'u' or 'U') && next == '&' && i + 2 < n && sql[i + 2] is '\'' or '"' && !PrevIsIdent(sql, i))
            {
                if (sql[i + 2] == '\'')
                {
                    i = ReadString(sql, i + 2, escapes: false, out var content);
                    tokens.Add(new(SqlTokenKind.StringConstant, content, start));
                }
                else
                {
                    i = ReadQuotedIdent(sql, i + 2, out var ident);
                    tokens.Add(new(SqlTokenKind.QuotedIdent, ident, start));
                }
                continue;
            }
            if (c == '\'')
            {
                i = ReadString(sql, i, escapes: false, out var content);
                tokens.Add(new(SqlTokenKind.StringConstant, content, start));
                continue;
            }
            if (c == '"')
            {
                i = ReadQuotedIdent(sql, i, out var ident);
                tokens.Add(new(SqlTokenKind.QuotedIdent, ident, start));
                continue;
            }
            if (c == '$')
            {
                if (char.IsDigit(next))
                {
                    i++;
                    while (i < n && char.IsDigit(sql[i])) i++;
                    tokens.Add(new(SqlTokenKind.Param, sql[start..i], start));
                    continue;
                }
                var tagEnd = i + 1;
                if (tagEnd < n && (char.IsLetter(sql[tagEnd]) || sql[tagEnd] == '_'))
                    while (tagEnd < n && (char.IsLetterOrDigit(sql[tagEnd]) || sql[tagEnd] == '_')) tagEnd++;
                if (tagEnd < n && sql[tagEnd] == '$')
                {
                    var tag = sql[i..(tagEnd + 1)];
                    var close = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                    if (close < 0) close = n; // the splitter already refused an unterminated body
                    tokens.Add(new(SqlTokenKind.Dollar, sql[(tagEnd + 1)..close], start));
                    i = Math.Min(n, close + tag.Length);
                    continue;
                }
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (i < n && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$')) i++;
                tokens.Add(new(SqlTokenKind.Word, sql[start..i].ToLowerInvariant(), start));
                continue;
            }
            if (char.IsDigit(c) || (c == '.' && char.IsDigit(next)))
            {
                while (i < n && (char.IsLetterOrDigit(sql[i]) || sql[i] is '.' or '_')
                       && !(sql[i] == '.' && i + 1 < n && sql[i + 1] == '.'))
                {
                    if (sql[i] is 'e' or 'E' && i + 1 < n && sql[i + 1] is '+' or '-') i++;
                    i++;
                }
                tokens.Add(new(SqlTokenKind.Number, sql[start..i], start));
                continue;
            }
            if (c == ':' && next == ':') { tokens.Add(new(SqlTokenKind.Symbol, "::", start)); i += 2; continue; }
            if (c is '(' or ')' or ',' or ';' or '.' or '[' or ']' or ':')
            {
                tokens.Add(new(SqlTokenKind.Symbol, c.ToString(), start));
                i++;
                continue;
            }
            // An operator: a run of operator characters (a run never swallows the start of a comment).
            var sb = new StringBuilder();
            while (i < n && IsOperatorChar(sql[i]) && !(sql[i] == '-' && i + 1 < n && sql[i + 1] == '-') && !(sql[i] == '/' && i + 1 < n && sql[i + 1] == '*'))
                sb.Append(sql[i++]);
            if (sb.Length == 0) { sb.Append(c); i++; }
            tokens.Add(new(SqlTokenKind.Symbol, sb.ToString(), start));
        }
        return tokens;
    }

    private static bool IsOperatorChar(char c) => c is '+' or '-' or '*' or '/' or '<' or '>' or '=' or '~' or '!' or '@' or '#' or '%' or '^' or '&' or '|' or '`' or '?';

    private static bool PrevIsIdent(string s, int i) => i > 0 && (char.IsLetterOrDigit(s[i - 1]) || s[i - 1] is '_' or '$');

    /// <summary>Reads '...' from the opening quote at <paramref name="open"/>; '' inside, and \x with escapes. Adjacent
    /// constants separated by a newline are one constant, as in PostgreSQL.</summary>
    private static int ReadString(string s, int open, bool escapes, out string content)
    {
        var sb = new StringBuilder();
        var k = open + 1;
        while (k < s.Length)
        {
            var c = s[k];
            if (escapes && c == '\\' && k + 1 < s.Length) { sb.Append(s[k + 1]); k += 2; continue; }
            if (c == '\'')
            {
                if (k + 1 < s.Length && s[k + 1] == '\'') { sb.Append('\''); k += 2; continue; }
                k++;
                // 'a'\n'b' is 'ab'
                var j = k;
                var sawNewline = false;
                while (j < s.Length && char.IsWhiteSpace(s[j])) { if (s[j] == '\n') sawNewline = true; j++; }
                if (sawNewline && j < s.Length && s[j] == '\'') { k = j + 1; continue; }
                break;
            }
            sb.Append(c);
            k++;
        }
        content = sb.ToString();
        return k;
    }

    private static int ReadQuotedIdent(string s, int open, out string ident)
    {
        var sb = new StringBuilder();
        var k = open + 1;
        while (k < s.Length)
        {
            if (s[k] == '"')
            {
                if (k + 1 < s.Length && s[k + 1] == '"') { sb.Append('"'); k += 2; continue; }
                k++;
                break;
            }
            sb.Append(s[k++]);
        }
        ident = sb.ToString();
        return k;
    }
}
