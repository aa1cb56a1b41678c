using CrmOps.Migrations;

namespace CrmOps.Lint;

/// <summary>
/// Reads the statements the lint rules care about from their tokens (<see cref="SqlLexer"/>): CREATE INDEX/TABLE/
/// MATERIALIZED VIEW/FUNCTION, ALTER TABLE and its actions, ALTER FUNCTION, DROP, REFRESH, GRANT/REVOKE, DML and DO.
/// Anything else is <see cref="StatementKind.Other"/>. Not a full SQL grammar: enough structure that no rule ever
/// looks at text a keyword search could misread.
/// </summary>
public static class LintParser
{
    public static LintStatement Parse(SqlStatement s)
    {
        var tokens = SqlLexer.Tokenize(s.Text);
        var st = new LintStatement { Source = s, Tokens = tokens };
        var c = new Cursor(tokens);
        try { ParseInto(st, c); }
        catch (ParseStop) { /* a statement the lint does not understand stays what was read so far */ }
        return st;
    }

    private sealed class ParseStop : Exception
    {
        public ParseStop() : base("not understood") { }
    }

    private static void ParseInto(LintStatement st, Cursor c)
    {
        if (c.Accept("create"))
        {
            if (c.Accept("or")) { c.Expect("replace"); st.OrReplace = true; }
            if (c.Accept("unique")) st.Unique = true;
            if (c.Peek.IsWord("index")) { CreateIndex(st, c); return; }
            c.Accept("global"); c.Accept("local");
            if (c.Accept("temp") || c.Accept("temporary")) st.Temporary = true;
            c.Accept("unlogged");
            if (c.Accept("table")) { CreateTable(st, c); return; }
            if (c.Accept("materialized")) { c.Expect("view"); CreateMatView(st, c); return; }
            c.Accept("recursive");
            if (c.Accept("view")) { st.Kind = StatementKind.CreateView; st.Target = c.Name(); return; }
            if (c.Accept("function") || c.Accept("procedure")) { CreateFunction(st, c); return; }
            if (c.Accept("policy")) { st.Kind = StatementKind.CreatePolicy; c.NameOrWord(); c.Expect("on"); st.Target = c.Name(); return; }
            c.Accept("constraint");
            if (c.Accept("trigger")) { CreateTrigger(st, c); return; }
            return;
        }
        if (c.Accept("alter"))
        {
            if (c.Accept("table")) { AlterTable(st, c); return; }
            if (c.Accept("function") || c.Accept("procedure") || c.Accept("routine")) { AlterFunction(st, c); return; }
            return;
        }
        if (c.Accept("drop")) { Drop(st, c); return; }
        if (c.Accept("refresh"))
        {
            c.Expect("materialized"); c.Expect("view");
            st.Kind = StatementKind.Refresh;
            if (c.Accept("concurrently")) st.Concurrently = true;
            st.Target = c.Name();
            if (c.Accept("with")) { if (c.Accept("no")) st.WithNoData = true; }
            return;
        }
        if (c.Peek.IsWord("grant") || c.Peek.IsWord("revoke")) { GrantRevoke(st, c); return; }
        if (c.Accept("update")) { st.Kind = StatementKind.Update; if (c.Accept("only")) st.Only = true; st.Target = c.Name(); return; }
        if (c.Accept("delete")) { c.Expect("from"); st.Kind = StatementKind.Delete; if (c.Accept("only")) st.Only = true; st.Target = c.Name(); return; }
        if (c.Accept("insert")) { c.Expect("into"); st.Kind = StatementKind.Insert; st.Target = c.Name(); return; }
        if (c.Accept("merge")) { c.Expect("into"); st.Kind = StatementKind.Update; st.Target = c.Name(); return; }
        if (c.Accept("truncate"))
        {
            st.Kind = StatementKind.Truncate;
            c.Accept("table");
            do { c.Accept("only"); st.Targets.Add(c.Name()); c.AcceptSymbol("*"); } while (c.AcceptSymbol(","));
            if (c.Accept("cascade")) st.Cascade = true;
            st.Target = st.Targets[0];
            return;
        }
        if (c.Accept("comment")) { st.Kind = StatementKind.Comment; return; }
        if (c.Accept("do")) { Do(st, c); return; }
    }

    private static void CreateIndex(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.CreateIndex;
        st.IndexKeywordOffset = c.Peek.Offset;
        c.Expect("index");
        if (c.Accept("concurrently")) st.Concurrently = true;
        if (c.Accept("if")) { c.Expect("not"); c.Expect("exists"); st.IfNotExists = true; }
        if (!c.Peek.IsWord("on")) st.IndexName = c.NameOrWord();
        c.Expect("on");
        if (c.Accept("only")) st.Only = true;
        st.Target = c.Name();
    }

    private static void CreateTable(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.CreateTable;
        if (c.Accept("if")) { c.Expect("not"); c.Expect("exists"); st.IfNotExists = true; }
        st.Target = c.Name();
        // PARTITION BY after the column list makes a partitioned table (relkind p).
        for (var i = c.Position; i < c.Count; i++)
        {
            var t = c.At(i);
            if (t.IsSymbol("(")) { i = c.SkipParensFrom(i) - 1; continue; }
            if (t.IsWord("partition") && i + 1 < c.Count && c.At(i + 1).IsWord("by")) st.Partitioned = true;
        }
    }

    private static void CreateMatView(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.CreateMatView;
        if (c.Accept("if")) { c.Expect("not"); c.Expect("exists"); st.IfNotExists = true; }
        st.Target = c.Name();
        // ... AS query [WITH [NO] DATA]: the last top-level tokens.
        var n = c.Count;
        if (n >= 3 && c.At(n - 1).IsWord("data") && c.At(n - 2).IsWord("no") && c.At(n - 3).IsWord("with")) st.WithNoData = true;
    }

    private static void CreateFunction(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.CreateFunction;
        st.ObjectType = c.At(c.Position - 1).Value.ToUpperInvariant();
        st.Target = c.Name();
        if (c.Peek.IsSymbol("(")) st.ArgumentText = c.ParensText();
        ReadRoutineOptions(st, c);
    }

    /// <summary>Options of CREATE/ALTER FUNCTION at the top level: SET search_path, RESET, SECURITY DEFINER. A BEGIN ATOMIC body ends the scan (its statements are not options).</summary>
    private static void ReadRoutineOptions(LintStatement st, Cursor c)
    {
        for (var i = c.Position; i < c.Count; i++)
        {
            var t = c.At(i);
            if (t.IsSymbol("(")) { i = c.SkipParensFrom(i) - 1; continue; }
            if (t.IsWord("begin") && i + 1 < c.Count && c.At(i + 1).IsWord("atomic")) break;
            var next = i + 1 < c.Count ? c.At(i + 1) : default;
            if (t.IsWord("set") && next.Kind == SqlTokenKind.Word && next.Value == "search_path") st.SetsSearchPath = true;
            if (t.IsWord("reset") && next.Kind == SqlTokenKind.Word && next.Value is "search_path" or "all") st.ResetsSearchPath = true;
            if (t.IsWord("security") && next.IsWord("definer")) st.SecurityDefiner = true;
        }
    }

    private static void AlterFunction(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.AlterFunction;
        st.ObjectType = c.At(c.Position - 1).Value.ToUpperInvariant();
        st.Target = c.Name();
        if (c.Peek.IsSymbol("(")) st.ArgumentText = c.ParensText();
        ReadRoutineOptions(st, c);
    }

    private static void CreateTrigger(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.CreateTrigger;
        // CREATE TRIGGER name {BEFORE|AFTER|INSTEAD OF} events ON table ...
        for (var i = c.Position; i < c.Count; i++)
            if (c.At(i).IsWord("on")) { c.Position = i + 1; st.Target = c.Name(); return; }
    }

    private static void Drop(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.Drop;
        string type;
        if (c.Accept("materialized")) { c.Expect("view"); type = "MATERIALIZED VIEW"; }
        else if (c.Accept("foreign")) { c.Expect("table"); type = "FOREIGN TABLE"; }
        else type = c.Next().Value.ToUpperInvariant();
        st.ObjectType = type;
        if (c.Accept("concurrently")) st.Concurrently = true;
        if (c.Accept("if")) { c.Expect("exists"); st.IfExists = true; }
        if (type is "TABLE" or "VIEW" or "MATERIALIZED VIEW" or "FUNCTION" or "PROCEDURE" or "ROUTINE" or "INDEX" or "SEQUENCE" or "FOREIGN TABLE")
        {
            do
            {
                st.Targets.Add(c.Name());
                if (type is "FUNCTION" or "PROCEDURE" or "ROUTINE" && c.Peek.IsSymbol("(")) st.ArgumentText = c.ParensText();
            } while (c.AcceptSymbol(","));
            st.Target = st.Targets[0];
        }
        else if (type is "TRIGGER" or "POLICY" or "RULE")
        {
            st.IndexName = c.Ident();
            c.Expect("on");
            st.Target = c.Name();
        }
        for (var i = c.Position; i < c.Count; i++)
            if (c.At(i).IsWord("cascade")) st.Cascade = true;
    }

    private static void Do(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.Do;
        var body = c.Tokens.FirstOrDefault(t => t.Kind is SqlTokenKind.Dollar or SqlTokenKind.StringConstant);
        if (body.Value == null) return;
        // The body's plain statements (PL/pgSQL embeds SQL as written): GRANT, REVOKE and ALTER are read for what they fix.
        var tokens = SqlLexer.Tokenize(body.Value);
        var starts = new HashSet<string>(StringComparer.Ordinal) { ";", "then", "else", "loop", "begin" };
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind != SqlTokenKind.Word || t.Value is not ("grant" or "revoke" or "alter")) continue;
            var prev = i == 0 ? null : tokens[i - 1].Value;
            if (i > 0 && !(tokens[i - 1].Kind is SqlTokenKind.Word or SqlTokenKind.Symbol && starts.Contains(prev!))) continue;
            var end = i;
            while (end < tokens.Count && !tokens[end].IsSymbol(";")) end++;
            var endOffset = end < tokens.Count ? tokens[end].Offset : body.Value.Length;
            var text = body.Value[t.Offset..endOffset];
            var inner = Parse(new SqlStatement(text, st.Source.Line, text));
            if (inner.Kind is StatementKind.Grant or StatementKind.Revoke or StatementKind.AlterFunction or StatementKind.AlterTable)
                st.Inner.Add(inner);
            i = end;
        }
    }

    private static void GrantRevoke(LintStatement st, Cursor c)
    {
        st.Kind = c.Next().Value == "grant" ? StatementKind.Grant : StatementKind.Revoke;
        if (st.Kind == StatementKind.Revoke && c.Accept("grant")) { c.Expect("option"); c.Expect("for"); }
        // Privileges up to ON (column lists in parentheses skipped).
        while (!c.AtEnd && !c.Peek.IsWord("on"))
        {
            var t = c.Next();
            if (t.IsSymbol("(")) { c.Position = c.SkipParensFrom(c.Position - 1); continue; }
            if (t.Kind == SqlTokenKind.Word && t.Value != "privileges") st.Privileges.Add(t.Value);
        }
        if (!c.Accept("on")) return; // GRANT role TO role
        if (c.Accept("all"))
        {
            if (!c.Accept("tables")) return; // ALL SEQUENCES / FUNCTIONS IN SCHEMA
            c.Expect("in"); c.Expect("schema");
            do st.AllTablesInSchemas.Add(c.NameOrWord()); while (c.AcceptSymbol(","));
        }
        else
        {
            if (c.Peek.IsWord("function") || c.Peek.IsWord("procedure") || c.Peek.IsWord("routine") || c.Peek.IsWord("schema")
                || c.Peek.IsWord("sequence") || c.Peek.IsWord("database") || c.Peek.IsWord("type") || c.Peek.IsWord("language"))
            {
                st.ObjectType = c.Next().Value.ToUpperInvariant();
                return;
            }
            c.Accept("table");
            do st.Targets.Add(c.Name()); while (c.AcceptSymbol(","));
            st.Target = st.Targets.Count > 0 ? st.Targets[0] : null;
        }
        if (!(c.Accept("to") || c.Accept("from"))) return;
        do
        {
            c.Accept("group");
            var r = c.Next();
            if (r.IsName) st.Roles.Add(r.Kind == SqlTokenKind.Word ? r.Value : r.Value);
        } while (c.AcceptSymbol(","));
        if (c.Accept("cascade")) st.Cascade = true;
    }

    private static void AlterTable(LintStatement st, Cursor c)
    {
        st.Kind = StatementKind.AlterTable;
        if (c.Accept("if")) { c.Expect("exists"); st.IfExists = true; }
        if (c.Accept("only")) st.Only = true;
        st.Target = c.Name();
        c.AcceptSymbol("*");
        // Actions are separated by top-level commas.
        var start = c.Position;
        var depth = 0;
        for (var i = c.Position; i <= c.Count; i++)
        {
            var atEnd = i == c.Count;
            if (!atEnd && c.At(i).IsSymbol("(")) depth++;
            if (!atEnd && c.At(i).IsSymbol(")")) depth--;
            if (atEnd || (depth == 0 && c.At(i).IsSymbol(",")))
            {
                if (i > start) st.Actions.Add(Action(st, c.Tokens.GetRange(start, i - start)));
                start = i + 1;
            }
        }
    }

    private static AlterAction Action(LintStatement st, List<SqlToken> tokens)
    {
        var a = new AlterAction();
        var first = tokens[0].Offset;
        var lastTok = tokens[^1];
        var end = Math.Min(st.Source.Text.Length, NextOffset(st, lastTok));
        a.Text = st.Source.Text[first..end];
        var c = new Cursor(tokens);
        try { ActionInto(a, c); }
        catch (ParseStop) { /* keep what was read */ }
        return a;
    }

    private static int NextOffset(LintStatement st, SqlToken last)
    {
        var idx = st.Tokens.IndexOf(last);
        return idx >= 0 && idx + 1 < st.Tokens.Count ? st.Tokens[idx + 1].Offset : st.Source.Text.Length;
    }

    private static readonly HashSet<string> ConstraintWords = new(StringComparer.Ordinal)
        { "constraint", "check", "foreign", "primary", "unique", "exclude" };

    private static readonly HashSet<string> ColumnConstraintStart = new(StringComparer.Ordinal)
        { "default", "not", "null", "constraint", "check", "references", "primary", "unique", "generated", "collate", "compression", "storage" };

    private static void ActionInto(AlterAction a, Cursor c)
    {
        if (c.Accept("add"))
        {
            if (c.Peek.Kind == SqlTokenKind.Word && ConstraintWords.Contains(c.Peek.Value))
            {
                a.Kind = AlterActionKind.AddConstraint;
                a.Constraints.Add(TableConstraint(c));
                return;
            }
            a.Kind = AlterActionKind.AddColumn;
            c.Accept("column");
            if (c.Accept("if")) { c.Expect("not"); c.Expect("exists"); a.IfNotExists = true; }
            a.Column = c.Ident();
            ColumnDefinition(a, c);
            return;
        }
        if (c.Accept("alter"))
        {
            if (c.Accept("constraint")) { a.Kind = AlterActionKind.Other; return; }
            c.Accept("column");
            a.Column = c.Ident();
            if (c.Accept("type") || (c.Accept("set") && c.Accept("data") && c.Accept("type")))
            {
                a.Kind = AlterActionKind.AlterColumnType;
                var typeStart = c.Position;
                while (!c.AtEnd && !c.Peek.IsWord("using") && !c.Peek.IsWord("collate")) c.Skip();
                a.TypeTokens = c.Tokens.GetRange(typeStart, c.Position - typeStart);
                a.TypeText = TypeText(a.TypeTokens);
                if (c.Accept("using") || (c.Accept("collate") && (c.Skip() || true) && c.Accept("using"))) a.HasUsing = true;
                return;
            }
            c.Position = 2 + (c.At(1).IsWord("column") ? 1 : 0);
            if (c.Accept("set"))
            {
                if (c.Accept("not")) { c.Expect("null"); a.Kind = AlterActionKind.SetNotNull; return; }
                if (c.Accept("default")) { a.Kind = AlterActionKind.SetDefault; return; }
                if (c.Accept("statistics") || c.Accept("storage") || c.Accept("compression")) { a.Kind = AlterActionKind.SetStatistics; return; }
                a.Kind = AlterActionKind.Other;
                return;
            }
            if (c.Accept("drop")) { if (c.Accept("not")) { a.Kind = AlterActionKind.DropNotNull; return; } a.Kind = AlterActionKind.SetDefault; return; }
            return;
        }
        if (c.Accept("drop"))
        {
            if (c.Accept("constraint"))
            {
                a.Kind = AlterActionKind.DropConstraint;
                if (c.Accept("if")) { c.Expect("exists"); a.IfExists = true; }
                a.Column = c.Ident();
                if (c.Accept("cascade")) a.Cascade = true;
                return;
            }
            a.Kind = AlterActionKind.DropColumn;
            c.Accept("column");
            if (c.Accept("if")) { c.Expect("exists"); a.IfExists = true; }
            a.Column = c.Ident();
            if (c.Accept("cascade")) a.Cascade = true;
            return;
        }
        if (c.Accept("rename"))
        {
            if (c.Accept("to")) { a.Kind = AlterActionKind.RenameTable; a.NewName = c.Ident(); return; }
            if (c.Accept("constraint")) { a.Kind = AlterActionKind.RenameConstraint; a.Column = c.Ident(); return; }
            c.Accept("column");
            a.Kind = AlterActionKind.RenameColumn;
            a.Column = c.Ident();
            c.Expect("to");
            a.NewName = c.Ident();
            return;
        }
        if (c.Accept("validate")) { c.Expect("constraint"); a.Kind = AlterActionKind.ValidateConstraint; a.Column = c.Ident(); return; }
        if (c.Accept("enable"))
        {
            if (c.Accept("row")) { c.Expect("level"); c.Expect("security"); a.Kind = AlterActionKind.EnableRls; return; }
            a.Kind = AlterActionKind.EnableDisableTrigger;
            return;
        }
        if (c.Accept("disable"))
        {
            if (c.Accept("row")) { c.Expect("level"); c.Expect("security"); a.Kind = AlterActionKind.DisableRls; return; }
            a.Kind = AlterActionKind.EnableDisableTrigger;
            return;
        }
        if (c.Accept("force") && c.Accept("row")) { a.Kind = AlterActionKind.ForceRls; return; }
        if (c.Accept("set"))
        {
            if (c.Accept("schema")) { a.Kind = AlterActionKind.SetSchema; a.NewName = c.Ident(); return; }
            if (c.Accept("logged") || c.Accept("unlogged")) { a.Kind = AlterActionKind.SetLoggedOrUnlogged; return; }
            if (c.Accept("tablespace")) { a.Kind = AlterActionKind.SetTablespace; return; }
            if (c.Peek.IsSymbol("(") ) { a.Kind = AlterActionKind.SetStatistics; return; } // storage parameters
            return;
        }
        if (c.Accept("attach")) { a.Kind = AlterActionKind.AttachPartition; return; }
        if (c.Accept("detach")) { a.Kind = AlterActionKind.DetachPartition; return; }
        if (c.Accept("owner")) { a.Kind = AlterActionKind.OwnerTo; return; }
        if (c.Accept("cluster") || c.Accept("replica")) { a.Kind = AlterActionKind.SetStatistics; return; }
    }

    private static void ColumnDefinition(AlterAction a, Cursor c)
    {
        var typeStart = c.Position;
        while (!c.AtEnd && !(c.Peek.Kind == SqlTokenKind.Word && ColumnConstraintStart.Contains(c.Peek.Value)))
        {
            if (c.Peek.IsSymbol("(")) { c.Position = c.SkipParensFrom(c.Position); continue; }
            c.Skip();
        }
        a.TypeTokens = c.Tokens.GetRange(typeStart, c.Position - typeStart);
        a.TypeText = TypeText(a.TypeTokens);
        string? pendingName = null;
        while (!c.AtEnd)
        {
            if (c.Accept("constraint")) { pendingName = c.Ident(); continue; }
            if (c.Accept("default"))
            {
                var from = c.Position;
                while (!c.AtEnd && !(c.Peek.Kind == SqlTokenKind.Word && ColumnConstraintStart.Contains(c.Peek.Value) && c.Peek.Value != "null"))
                {
                    if (c.Peek.IsSymbol("(")) { c.Position = c.SkipParensFrom(c.Position); continue; }
                    c.Skip();
                }
                a.DefaultTokens = c.Tokens.GetRange(from, c.Position - from);
                pendingName = null;
                continue;
            }
            if (c.Accept("not")) { c.Expect("null"); a.NotNull = true; pendingName = null; continue; }
            if (c.Accept("null")) { pendingName = null; continue; }
            if (c.Accept("check"))
            {
                var def = new ConstraintDef { Name = pendingName, Kind = ConstraintKind.Check };
                if (c.Peek.IsSymbol("(")) def.CheckTokens = c.ParensTokens();
                if (c.Accept("no")) c.Expect("inherit");
                a.Constraints.Add(def);
                pendingName = null;
                continue;
            }
            if (c.Accept("references"))
            {
                var def = new ConstraintDef { Name = pendingName, Kind = ConstraintKind.ForeignKey, References = c.Name() };
                a.Constraints.Add(def);
                pendingName = null;
                SkipToNextConstraint(c);
                continue;
            }
            if (c.Accept("primary")) { c.Expect("key"); a.Constraints.Add(new ConstraintDef { Name = pendingName, Kind = ConstraintKind.PrimaryKey }); a.NotNull = true; pendingName = null; SkipToNextConstraint(c); continue; }
            if (c.Accept("unique")) { a.Constraints.Add(new ConstraintDef { Name = pendingName, Kind = ConstraintKind.Unique }); pendingName = null; SkipToNextConstraint(c); continue; }
            if (c.Accept("generated"))
            {
                if (c.Accept("always")) { }
                else { c.Accept("by"); c.Accept("default"); }
                c.Expect("as");
                if (c.Accept("identity")) { a.Identity = true; a.NotNull = true; if (c.Peek.IsSymbol("(")) c.ParensTokens(); }
                else { if (c.Peek.IsSymbol("(")) c.ParensTokens(); if (c.Accept("stored")) a.GeneratedStored = true; }
                pendingName = null;
                continue;
            }
            c.Skip();
        }
    }

    /// <summary>Skips the rest of a REFERENCES / PRIMARY KEY / UNIQUE clause (columns, MATCH, ON DELETE/UPDATE actions, DEFERRABLE, index parameters) up to the next column constraint.</summary>
    private static void SkipToNextConstraint(Cursor c)
    {
        while (!c.AtEnd)
        {
            var t = c.Peek;
            if (t.IsSymbol("(")) { c.Position = c.SkipParensFrom(c.Position); continue; }
            if (t.IsWord("on") && c.Count > c.Position + 1 && c.At(c.Position + 1).Value is "delete" or "update")
            {
                c.Skip(); c.Skip();
                if (c.Accept("set")) { c.Skip(); if (c.Peek.IsSymbol("(")) c.Position = c.SkipParensFrom(c.Position); } // SET NULL / SET DEFAULT [(cols)]
                else if (c.Accept("no")) c.Accept("action");
                else c.Skip();                                                                                     // CASCADE / RESTRICT
                continue;
            }
            if (t.IsWord("not") && c.Count > c.Position + 1 && c.At(c.Position + 1).IsWord("deferrable")) { c.Skip(); c.Skip(); continue; }
            if (t.Kind == SqlTokenKind.Word && ColumnConstraintStart.Contains(t.Value)) return;
            c.Skip();
        }
    }

    private static ConstraintDef TableConstraint(Cursor c)
    {
        var def = new ConstraintDef();
        if (c.Accept("constraint")) def.Name = c.Ident();
        if (c.Accept("check"))
        {
            def.Kind = ConstraintKind.Check;
            if (c.Peek.IsSymbol("(")) def.CheckTokens = c.ParensTokens();
        }
        else if (c.Accept("foreign")) { c.Expect("key"); def.Kind = ConstraintKind.ForeignKey; c.ParensTokens(); c.Expect("references"); def.References = c.Name(); }
        else if (c.Accept("primary")) { c.Expect("key"); def.Kind = ConstraintKind.PrimaryKey; }
        else if (c.Accept("unique")) def.Kind = ConstraintKind.Unique;
        else if (c.Accept("exclude")) def.Kind = ConstraintKind.Exclude;
        else if (c.Accept("not")) { c.Expect("null"); def.Kind = ConstraintKind.NotNull; }
        for (var i = c.Position; i < c.Count; i++)
        {
            var t = c.At(i);
            if (t.IsSymbol("(")) { i = c.SkipParensFrom(i) - 1; continue; }
            if (t.IsWord("valid") && i > 0 && c.At(i - 1).IsWord("not")) def.NotValid = true;
            if (t.IsWord("using") && i + 1 < c.Count && c.At(i + 1).IsWord("index")) def.UsingIndex = true;
        }
        return def;
    }

    /// <summary>The type as PostgreSQL would spell it for to_regtype (words joined by spaces, typmods kept).</summary>
    internal static string TypeText(List<SqlToken> tokens)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var t in tokens)
        {
            var piece = t.Kind == SqlTokenKind.QuotedIdent ? "\"" + t.Value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : t.Value;
            if (sb.Length > 0 && !(t.Kind == SqlTokenKind.Symbol && t.Value is "(" or ")" or "," or "." or "[" or "]")
                && sb[^1] is not ('(' or '.' or '[')) sb.Append(' ');
            sb.Append(piece);
        }
        return sb.ToString();
    }

    /// <summary>A cursor over tokens with the few moves the parser needs.</summary>
    private sealed class Cursor(List<SqlToken> tokens)
    {
        public List<SqlToken> Tokens { get; } = tokens;
        public int Position { get; set; }
        public int Count => Tokens.Count;
        public bool AtEnd => Position >= Tokens.Count;
        public SqlToken Peek => AtEnd ? default : Tokens[Position];
        public SqlToken At(int i) => Tokens[i];

        public SqlToken Next()
        {
            if (AtEnd) throw new ParseStop();
            return Tokens[Position++];
        }

        public bool Skip() { if (!AtEnd) Position++; return true; }

        public bool Accept(string word)
        {
            if (!Peek.IsWord(word)) return false;
            Position++;
            return true;
        }

        public bool AcceptSymbol(string s)
        {
            if (!Peek.IsSymbol(s)) return false;
            Position++;
            return true;
        }

        public void Expect(string word)
        {
            if (!Accept(word)) throw new ParseStop();
        }

        /// <summary>An identifier (word or "quoted").</summary>
        public string Ident()
        {
            var t = Next();
            if (!t.IsName) throw new ParseStop();
            return t.Value;
        }

        public string NameOrWord() => Ident();

        /// <summary>name, schema.name (database.schema.name keeps the last two).</summary>
        public ObjName Name()
        {
            var parts = new List<string> { Ident() };
            while (Peek.IsSymbol(".") && Position + 1 < Count && Tokens[Position + 1].IsName)
            {
                Position++;
                parts.Add(Ident());
            }
            return parts.Count == 1 ? new ObjName(null, parts[0]) : new ObjName(parts[^2], parts[^1]);
        }

        /// <summary>Index just after the parenthesis that closes the one at <paramref name="open"/>.</summary>
        public int SkipParensFrom(int open)
        {
            var depth = 0;
            for (var i = open; i < Count; i++)
            {
                if (Tokens[i].IsSymbol("(")) depth++;
                else if (Tokens[i].IsSymbol(")") && --depth == 0) return i + 1;
            }
            return Count;
        }

        public List<SqlToken> ParensTokens()
        {
            if (!Peek.IsSymbol("(")) throw new ParseStop();
            var end = SkipParensFrom(Position);
            var inner = Tokens.GetRange(Position + 1, Math.Max(0, end - Position - 2));
            Position = end;
            return inner;
        }

        public string ParensText() => TypeText(ParensTokens());
    }
}
