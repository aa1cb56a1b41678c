using System.Text;

namespace CrmOps.Migrations;

/// <summary>
/// Splits a migration file exactly as Supabase's CLI does before it runs the file and stores it in
/// supabase_migrations.schema_migrations.statements: a port of apps/cli-go/pkg/parser/state.go (the tokenizer's states)
/// and token.go (Split, SplitAndTrim: each token keeps its comments and whitespace, trailing ';' trimmed, then
/// surrounding whitespace, empty tokens dropped), quirks included (a ')' or a word ending in "end" closes every
/// enclosing parenthesis or BEGIN ATOMIC body; '\' outside quotes escapes one character). CrmOps runs statements
/// with its own <see cref="StatementSplitter"/>; this one only decides what goes into the ledger, so that
/// `supabase migration fetch` gets back what the CLI itself would have stored.
/// </summary>
public static class CliStatementSplitter
{
    /// <summary>SplitAndTrim (token.go:115): the statements the CLI stores for a file's text (read as bytes: no BOM or newline normalisation).</summary>
    public static IReadOnlyList<string> SplitAndTrim(string sql)
    {
        var result = new List<string>();
        foreach (var token in Split(sql))
        {
            var trim = token.TrimEnd(';').Trim();
            if (trim.Length > 0) result.Add(trim);
        }
        return result;
    }

    /// <summary>Split (token.go:81, ScanToken at :51): tokens up to and including each top-level ';', then the rest.</summary>
    public static IEnumerable<string> Split(string sql)
    {
        State state = new Ready();
        var start = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var data = new Window(sql, start, i + 1);
            var next = state.Next(sql[i], data);
            if (next == null)
            {
                yield return sql[start..(i + 1)];
                start = i + 1;
                state = new Ready();
            }
            else state = next;
        }
        if (start < sql.Length) yield return sql[start..];
    }

    /// <summary>The token read so far (Go's data[:end]): its last characters are what the states look at.</summary>
    private readonly record struct Window(string Text, int Start, int End)
    {
        public int Length => End - Start;
        public bool EndsWith(string s, bool ignoreCase = false) =>
            Length >= s.Length && string.Compare(Text, End - s.Length, s, 0, s.Length, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) == 0;
        public string From(int offset) => Text[(Start + offset)..End];
    }

    private abstract class State
    {
        /// <summary>Null emits the token (state.go:21).</summary>
        public abstract State? Next(char r, Window data);
    }

    // state.go:26 ReadyState
    private sealed class Ready : State
    {
        public override State? Next(char r, Window data)
        {
            switch (r)
            {
                case '$': return new Tag(data.Length - 1);
                case '\'':
                case '"': return new Quote(r);
                case '-': return new Comment();
                case '/': return new Block();
                case '\\': return new Escape();
                case ';': return null;
                case '(': return new Atomic(this, ")");
                case 'c':
                case 'C':
                    if (IsBeginAtomic(data)) return new Atomic(this, "END");
                    break;
            }
            return this;
        }
    }

    // state.go:56 isBeginAtomic: the token ends with BEGIN <spaces> ATOMIC, both whole words.
    private static bool IsBeginAtomic(Window data)
    {
        const string atomic = "ATOMIC";
        if (!data.EndsWith(atomic, ignoreCase: true)) return false;
        var offset = data.Length - atomic.Length;
        if (offset > 0 && IsIdentifierRune(data.Text[data.Start + offset - 1])) return false;
        var prefix = data.Text[data.Start..(data.Start + offset)].TrimEnd(SpaceChars);
        if (prefix.Length < 5 || !prefix.EndsWith("BEGIN", StringComparison.OrdinalIgnoreCase)) return false;
        if (prefix.Length == 5) return true;
        return !IsIdentifierRune(prefix[^6]);
    }

    private static readonly char[] SpaceChars = Enumerable.Range(0, 0x3000 + 1).Select(c => (char)c).Where(char.IsWhiteSpace).ToArray();

    // state.go:79
    private static bool IsIdentifierRune(char r) => char.IsLetter(r) || char.IsDigit(r) || r == '_' || r == '$';

    // state.go:84 CommentState: "--" starts a comment to the end of the line; a single '-' is re-read as Ready.
    private sealed class Comment : State
    {
        public override State? Next(char r, Window data) => r == '-' ? new Dollar("\n") : new Ready().Next(r, data);
    }

    // state.go:97 BlockState: nested /* */ comments.
    private sealed class Block : State
    {
        private int _depth;
        public override State? Next(char r, Window data)
        {
            if (data.EndsWith("/*")) { _depth++; return this; }
            if (_depth == 0) return new Ready().Next(r, data);
            if (data.EndsWith("*/"))
            {
                _depth--;
                if (_depth == 0) return new Ready();
            }
            return this;
        }
    }

    // state.go:124 QuoteState: '...' or "...", a doubled delimiter stays inside.
    private sealed class Quote(char delimiter) : State
    {
        private bool _escape;
        public override State? Next(char r, Window data)
        {
            if (_escape)
            {
                if (r == delimiter) { _escape = false; return this; }
                return new Ready().Next(r, data);
            }
            if (r == delimiter) _escape = true;
            return this;
        }
    }

    // state.go:147 DollarState: until the delimiter ($tag$, or a newline for a -- comment).
    private sealed class Dollar(string delimiter) : State
    {
        public override State? Next(char r, Window data) => data.EndsWith(delimiter) ? new Ready() : this;
    }

    // state.go:161 TagState: $tag$ opens a dollar quote; anything else is re-read as Ready.
    private sealed class Tag(int offset) : State
    {
        public override State? Next(char r, Window data)
        {
            if (r == '$') return new Dollar(data.From(offset));
            if (char.IsLetter(r) || char.IsDigit(r) || r == '_') return this;
            return new Ready().Next(r, data);
        }
    }

    // state.go:185 EscapeState: the character after '\' is skipped.
    private sealed class Escape : State
    {
        public override State? Next(char r, Window data) => new Ready();
    }

    // state.go:192 AtomicState: inside ( ... ) or BEGIN ATOMIC ... END, ';' does not end the statement.
    private sealed class Atomic(State prev, string delimiter) : State
    {
        private State _prev = prev;
        public override State? Next(char r, Window data)
        {
            var curr = _prev.Next(r, data);
            if (curr != null) _prev = curr;
            if (_prev is Ready && data.EndsWith(delimiter, ignoreCase: true)) return new Ready();
            return this;
        }
    }

    /// <summary>
    /// The SQL of a list of statements with what does not change its meaning left out: cut into statements again by
    /// <see cref="StatementSplitter"/> (PostgreSQL's rules), comments removed, whitespace outside literals and quoted
    /// identifiers collapsed to one space, empty statements dropped, joined by ";\n". Equal for a file and for the
    /// file `supabase migration fetch` rebuilds from its ledger row, and for the same SQL stored as one statement (the
    /// dashboard) or several (the CLI).
    /// </summary>
    public static string Canonical(IEnumerable<string> statements)
    {
        var list = statements.ToList();
        IEnumerable<string> pieces;
        try { pieces = StatementSplitter.Split(string.Join(";\n", list)).Select(st => st.Text).ToList(); }
        catch (Errors.CrmException) { pieces = list; } // not splittable by PostgreSQL's rules: compare as stored
        return string.Join(";\n", pieces.Select(Collapse).Where(p => p.Length > 0));
    }

    /// <summary>One statement without comments, whitespace outside literals collapsed, trailing ';' removed.</summary>
    private static string Collapse(string sql)
    {
        var sb = new StringBuilder();
        var space = false;
        var i = 0;
        var n = sql.Length;
        void Append(string t)
        {
            if (space && sb.Length > 0 && t != ";") sb.Append(' ');
            space = false;
            sb.Append(t);
        }
        while (i < n)
        {
            var c = sql[i];
            var next = i + 1 < n ? sql[i + 1] : '\0';
            if (char.IsWhiteSpace(c) || c == '\uFEFF') { space = true; i++; continue; }
            if (c == '-' && next == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? n : end;
                space = true;
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
                space = true;
                continue;
            }
            if (c == '\'' || c == '"')
            {
                var escapes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentifierRune(sql[i - 2]));
                var k = i + 1;
                while (k < n)
                {
                    if (escapes && sql[k] == '\\') { k += 2; continue; }
                    if (sql[k] == c) { if (k + 1 < n && sql[k + 1] == c) { k += 2; continue; } k++; break; }
                    k++;
                }
                k = Math.Min(k, n);
                Append(sql[i..k].Replace("\r\n", "\n", StringComparison.Ordinal));
                i = k;
                continue;
            }
            if (c == '$' && (i == 0 || !IsIdentifierRune(sql[i - 1])))
            {
                var tagEnd = i + 1;
                if (tagEnd < n && (char.IsLetter(sql[tagEnd]) || sql[tagEnd] == '_'))
                    while (tagEnd < n && (char.IsLetterOrDigit(sql[tagEnd]) || sql[tagEnd] == '_')) tagEnd++;
                if (tagEnd < n && sql[tagEnd] == '$')
                {
                    var tag = sql[i..(tagEnd + 1)];
                    var close = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                    var end = close < 0 ? n : close + tag.Length;
                    Append(sql[i..end].Replace("\r\n", "\n", StringComparison.Ordinal));
                    i = end;
                    continue;
                }
            }
            Append(c.ToString());
            i++;
        }
        return sb.ToString().TrimEnd(';', ' ');
    }
}
