using System.Text;
using CrmOps.Errors;

namespace CrmOps.Migrations;

/// <summary>One SQL statement of a script: its text (without the terminating semicolon), the line it starts on, and
/// <see cref="Code"/>: the same text with comments, string literals, quoted bodies and quoted identifiers' contents
/// blanked out, so that keyword searches (touched tables) never match inside a string or a function body.</summary>
public sealed record SqlStatement(string Text, int Line, string Code);

/// <summary>A comment of a script: its text without the -- or /* */ markers, the line it starts on, whether it is a
/// line comment (--), and whether it comes before the first statement (the header, where directives live).</summary>
public sealed record SqlComment(string Text, int Line, bool IsLineComment, bool InHeader);

/// <summary>
/// Splits a migration script into statements the way PostgreSQL's own lexer would: semicolons only count outside
/// -- comments, nested /* */ comments, '' strings (with E'' backslash escapes), "" identifiers, dollar quotes ($$, $fn$)
/// and BEGIN ATOMIC ... END bodies, and, like psql, not inside parentheses (CREATE RULE ... DO ALSO (a; b) is one
/// statement). psql meta-commands (\i, \set, \c...) are rejected with their line number: a migration must be plain SQL
/// that any client (and Supabase's CLI) can run. So are COPY ... FROM STDIN / TO STDOUT (they need psql's data stream)
/// and an unbalanced parenthesis (everything after it would run as one statement).
/// </summary>
public static class StatementSplitter
{
    private static readonly System.Text.RegularExpressions.Regex CopyStdin = new(
        @"^COPY\b[\s\S]*?\b(?<dir>FROM\s+STDIN|TO\s+STDOUT)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Splits <paramref name="sql"/>; when <paramref name="comments"/> is given, every comment is added to it.</summary>
    public static IReadOnlyList<SqlStatement> Split(string sql, string? source = null, List<SqlComment>? comments = null)
    {
        var where = source == null ? "" : source + ": ";
        var result = new List<SqlStatement>();
        var text = new StringBuilder();
        var code = new StringBuilder();
        var line = 1;
        var startLine = 0;          // line of the first content character of the current statement (0: none yet)
        var atLineStart = true;     // only whitespace since the last newline (outside any quote)
        var atomicDepth = 0;        // >0 inside BEGIN ATOMIC ... END (CASE ... END nests)
        var parenDepth = 0;         // >0 inside ( ... ): a semicolon there does not end the statement (psql's rule)
        var parenLine = 0;          // line of the outermost open parenthesis
        string? prevWord = null;    // previous keyword-ish word outside quotes, for BEGIN ATOMIC
        var i = 0;
        var n = sql.Length;

        void Content() { if (startLine == 0) startLine = line; }
        void Emit()
        {
            if (startLine != 0)
            {
                var t = text.ToString().Trim();
                var c = code.ToString().Trim();
                if (t.Length > 0 && CopyStdin.Match(c) is { Success: true } copy)
                {
                    var stdin = copy.Groups["dir"].Value.StartsWith("FROM", StringComparison.OrdinalIgnoreCase);
                    throw new CrmException("SplitterCopyStdin", CrmErrorKind.InvalidData,
                        $"{where}line {startLine}: COPY ... {(stdin ? "FROM STDIN" : "TO STDOUT")} needs psql to {(stdin ? "send the data lines that follow it" : "receive the rows")}; a migration is plain SQL sent to the server, so it is not supported. " +
                        (stdin ? "Write the rows as INSERT ... VALUES, or load the data outside the migration (psql's \\copy, or Import-Csv and a script)." : "Remove it: a migration has no client to receive rows."), source);
                }
                if (t.Length > 0) result.Add(new SqlStatement(t, startLine, c));
            }
            text.Clear(); code.Clear(); startLine = 0; prevWord = null; atomicDepth = 0; parenDepth = 0;
        }
        void Comment(int from, int to, bool isLine)
        {
            if (comments == null) return;
            var body = isLine ? sql[(from + 2)..to] : sql[(from + 2)..Math.Max(from + 2, to - 2)];
            comments.Add(new SqlComment(body, line, isLine, result.Count == 0 && startLine == 0));
        }
        void Copy(int from, int to, bool blank)
        {
            for (var k = from; k < to; k++)
            {
                var c = sql[k];
                if (startLine == 0) { if (c == '\n') line++; continue; } // leading comments are not part of a statement
                text.Append(c);
                code.Append(blank && c != '\n' ? ' ' : c);
                if (c == '\n') line++;
            }
        }

        while (i < n)
        {
            var c = sql[i];
            var next = i + 1 < n ? sql[i + 1] : '\0';

            if (c == '\n') { if (startLine != 0) { text.Append(c); code.Append(c); } line++; i++; atLineStart = true; continue; }
            if (char.IsWhiteSpace(c)) { if (startLine != 0) { text.Append(c); code.Append(c); } i++; continue; }

            if (c == '\\' && atLineStart)
            {
                var end = sql.IndexOf('\n', i);
                var cmd = (end < 0 ? sql[i..] : sql[i..end]).Trim();
                throw new CrmException("SplitterPsqlMetaCommand", CrmErrorKind.InvalidData,
                    $"{where}line {line}: '{cmd}' is a psql meta-command, not SQL. Migrations must be plain SQL (Supabase's CLI and CrmOps send them to the server as is); replace it with the SQL it stands for.", source);
            }
            atLineStart = false;

            if (c == '-' && next == '-')
            {
                var end = sql.IndexOf('\n', i);
                if (end < 0) end = n;
                Comment(i, end, isLine: true);
                Copy(i, end, blank: true);
                i = end;
                continue;
            }
            if (c == '/' && next == '*')
            {
                var startAt = line;
                var depth = 0;
                var k = i;
                while (k < n)
                {
                    if (sql[k] == '/' && k + 1 < n && sql[k + 1] == '*') { depth++; k += 2; continue; }
                    if (sql[k] == '*' && k + 1 < n && sql[k + 1] == '/') { depth--; k += 2; if (depth == 0) break; continue; }
                    k++;
                }
                if (depth != 0)
                    throw new CrmException("SplitterUnterminatedComment", CrmErrorKind.InvalidData,
                        $"{where}line {startAt}: a /* comment is never closed.", source);
                Comment(i, k, isLine: false);
                Copy(i, k, blank: true);
                i = k;
                continue;
            }

            Content();

            if (c == '\'')
            {
                // E'...' (and e'...') strings take backslash escapes; the E was already copied as a word char.
                var escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentChar(sql[i - 2]));
                var k = ScanQuoted(sql, i, '\'', escapes);
                if (k < 0)
                    throw new CrmException("SplitterUnterminatedString", CrmErrorKind.InvalidData,
                        $"{where}line {line}: a '...' string literal is never closed.", source);
                text.Append('\''); code.Append('\'');
                Copy(i + 1, k - 1, blank: true);
                text.Append('\''); code.Append('\'');
                i = k;
                prevWord = null;
                continue;
            }
            if (c == '"')
            {
                var k = ScanQuoted(sql, i, '"', false);
                if (k < 0)
                    throw new CrmException("SplitterUnterminatedIdentifier", CrmErrorKind.InvalidData,
                        $"{where}line {line}: a \"...\" quoted identifier is never closed.", source);
                Copy(i, k, blank: false); // identifiers stay readable in Code: table names are searched there
                i = k;
                prevWord = null;
                continue;
            }
            if (c == '$' && (i == 0 || !IsIdentChar(sql[i - 1])))
            {
                var tagEnd = i + 1;
                if (tagEnd < n && (char.IsLetter(sql[tagEnd]) || sql[tagEnd] == '_'))
                    while (tagEnd < n && (char.IsLetterOrDigit(sql[tagEnd]) || sql[tagEnd] == '_')) tagEnd++;
                if (tagEnd < n && sql[tagEnd] == '$')
                {
                    var tag = sql[i..(tagEnd + 1)];
                    var close = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                    if (close < 0)
                        throw new CrmException("SplitterUnterminatedDollarQuote", CrmErrorKind.InvalidData,
                            $"{where}line {line}: the dollar-quoted body opened with {tag} is never closed with {tag}.", source);
                    Copy(i, tagEnd + 1, blank: false);
                    Copy(tagEnd + 1, close, blank: true);
                    Copy(close, close + tag.Length, blank: false);
                    i = close + tag.Length;
                    prevWord = null;
                    continue;
                }
            }
            if (IsIdentStart(c))
            {
                var k = i;
                while (k < n && IsIdentChar(sql[k])) k++;
                var word = sql[i..k];
                // U&'...' and E'...' prefixes are handled by the quote branch; a word just passes through.
                if (word.Equals("ATOMIC", StringComparison.OrdinalIgnoreCase) && prevWord is { } p && p.Equals("BEGIN", StringComparison.OrdinalIgnoreCase) && atomicDepth == 0)
                    atomicDepth = 1;
                else if (atomicDepth > 0 && word.Equals("CASE", StringComparison.OrdinalIgnoreCase))
                    atomicDepth++;
                else if (atomicDepth > 0 && word.Equals("END", StringComparison.OrdinalIgnoreCase))
                    atomicDepth--;
                Copy(i, k, blank: false);
                prevWord = word;
                i = k;
                continue;
            }
            if (c == '(') { if (parenDepth++ == 0) parenLine = line; }
            else if (c == ')' && parenDepth > 0) parenDepth--;
            if (c == ';' && atomicDepth == 0 && parenDepth == 0)
            {
                Emit();
                i++;
                continue;
            }
            text.Append(c); code.Append(c);
            prevWord = null;
            i++;
        }
        if (atomicDepth > 0)
            throw new CrmException("SplitterUnterminatedAtomic", CrmErrorKind.InvalidData,
                $"{where}line {startLine}: a BEGIN ATOMIC body is never closed with END.", source);
        if (parenDepth > 0)
            throw new CrmException("SplitterUnbalancedParenthesis", CrmErrorKind.InvalidData,
                $"{where}line {parenLine}: a '(' is never closed, so every statement after it would run as one; close it.", source);
        Emit();
        return result;
    }

    /// <summary>Index just after the closing quote, or -1. Doubled quotes stay inside; with escapes, \x too.</summary>
    private static int ScanQuoted(string s, int open, char q, bool escapes)
    {
        var k = open + 1;
        while (k < s.Length)
        {
            var c = s[k];
            if (escapes && c == '\\') { k += 2; continue; }
            if (c == q)
            {
                if (k + 1 < s.Length && s[k + 1] == q) { k += 2; continue; }
                return k + 1;
            }
            k++;
        }
        return -1;
    }

    private static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';
    private static bool IsIdentChar(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';
}
