namespace CrmOps.Schema;

/// <summary>
/// The SQL that creates, drops or changes one object of a snapshot, as steps with a phase (drops before creates;
/// schemas, types and tables before the columns, functions, constraints, views, indexes, triggers, policies and grants
/// that need them) so that New-CrmMigration -FromDiff can put many differences in a working order. Definitions come from
/// PostgreSQL itself (the snapshot); where it gives none (aggregates, inheritance, foreign tables, a changed generated
/// column, an enum losing a label) the step is a TODO comment naming the object, never a guessed statement.
/// </summary>
internal static class SchemaScript
{
    // Drops, most dependent first.
    public const int DropPolicyTrigger = 10, DisableRls = 11, Revoke = 12, DropView = 13, DropForeignKey = 14,
        DropConstraint = 15, DropIndex = 16, DropColumn = 17, DropTable = 18, DropFunction = 19, DropSequence = 20,
        DropType = 21, DropExtension = 22, DropSchema = 23;
    // Creates, least dependent first.
    public const int CreateSchema = 30, CreateExtension = 31, CreateType = 32, CreateSequence = 33, CreateTable = 35,
        AddColumn = 36, AlterColumn = 37, CreateFunction = 38, AddConstraint = 39, AddForeignKey = 40, CreateView = 41,
        CreateIndex = 42, CreateTrigger = 43, EnableRls = 44, CreatePolicy = 45, Grant = 46, Comment = 47;

    public static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static CrmSchemaStep Step(int phase, SchemaObject o, string sql) => new(phase, o.Order, sql);
    private static CrmSchemaStep Reverse(int phase, SchemaObject o, string sql) => new(phase, -o.Order, sql);

    internal static CrmSchemaStep Todo(int phase, SchemaObject o, string what) =>
        new(phase, o.Order, $"-- TODO: {Label(o.Type)} {o.Name}: {what}; PostgreSQL gives no full definition for this, write this step by hand.", Todo: true);

    public static string Label(CrmSchemaObjectType t) => t switch
    {
        CrmSchemaObjectType.MaterializedView => "materialized view",
        CrmSchemaObjectType.RLS => "row level security of",
        _ => t.ToString().ToLowerInvariant(),
    };

    // ---------------------------------------------------------------- create

    /// <summary>Creates the object; with its children (columns, constraints, indexes, triggers, policies, grants, owned sequences) when it is new.</summary>
    public static List<CrmSchemaStep> Create(SchemaObject o, SchemaSnapshot s, bool withChildren)
    {
        var steps = new List<CrmSchemaStep>();
        var q = o.Q;
        switch (o.Type)
        {
            case CrmSchemaObjectType.Schema:
                steps.Add(Step(CreateSchema, o, $"CREATE SCHEMA {q};"));
                break;
            case CrmSchemaObjectType.Extension:
                steps.Add(Step(CreateExtension, o, $"CREATE EXTENSION {q} WITH SCHEMA {o.Fact("QSchema")} VERSION {Literal(o.Prop("Version") ?? "")};"));
                break;
            case CrmSchemaObjectType.Type:
                steps.Add(CreateTypeStep(o));
                break;
            case CrmSchemaObjectType.Sequence:
                steps.Add(Step(CreateSequence, o, $"CREATE SEQUENCE {q} {SequenceOptions(o)};"));
                if (o.Fact("QOwnedBy") is { } owner) steps.Add(Step(AlterColumn, o, $"ALTER SEQUENCE {q} OWNED BY {owner};"));
                break;
            case CrmSchemaObjectType.Table:
                steps.Add(CreateTableStep(o, s, withChildren));
                break;
            case CrmSchemaObjectType.Column:
                steps.Add(Step(AddColumn, o, $"ALTER TABLE {o.Fact("QTable")} ADD COLUMN {ColumnDefinition(o)};"));
                break;
            case CrmSchemaObjectType.Constraint:
                steps.Add(Step(o.Fact("ConstraintType") == "f" ? AddForeignKey : AddConstraint, o,
                    $"ALTER {(o.Fact("OnDomain") != null ? "DOMAIN" : "TABLE")} {o.Fact("QTable")} ADD CONSTRAINT {q} {o.Prop("Definition")};"));
                break;
            case CrmSchemaObjectType.Index:
                steps.Add(Step(CreateIndex, o, o.Prop("Definition") + ";"));
                if (o.Prop("Status") == "INVALID") steps.Add(Todo(CreateIndex, o, "is INVALID (a failed CREATE INDEX CONCURRENTLY) on this side"));
                break;
            case CrmSchemaObjectType.View:
                steps.Add(Step(CreateView, o, $"CREATE VIEW {q}{With(o)} AS\n{Body(o)};"));
                break;
            case CrmSchemaObjectType.MaterializedView:
                steps.Add(Step(CreateView, o, $"CREATE MATERIALIZED VIEW {q}{With(o)} AS\n{Body(o)}\nWITH DATA;"));
                break;
            case CrmSchemaObjectType.Function:
                if (o.Fact("FunctionKind") == "a") steps.Add(Todo(CreateFunction, o, "an aggregate (" + o.Prop("Definition") + ")"));
                else steps.Add(Step(CreateFunction, o, o.Prop("Definition")!.TrimEnd() + ";"));
                if (withChildren && !s.ChildrenOf(o).Any(c => c.Type == CrmSchemaObjectType.Grant && c.Fact("Grantee") == "PUBLIC"))
                    steps.Add(Step(Grant, o, $"REVOKE ALL ON {FunctionWord(o)} {q} FROM PUBLIC;"));
                break;
            case CrmSchemaObjectType.Trigger:
                steps.Add(Step(CreateTrigger, o, o.Prop("Definition") + ";"));
                if (o.Prop("Enabled") is { } en) steps.Add(Step(CreateTrigger, o, $"ALTER TABLE {o.Fact("QTable")} {TriggerState(en)} TRIGGER {q};"));
                break;
            case CrmSchemaObjectType.Policy:
                steps.Add(Step(CreatePolicy, o, CreatePolicySql(o)));
                break;
            case CrmSchemaObjectType.RLS:
                steps.Add(Step(EnableRls, o, $"ALTER TABLE {q} ENABLE ROW LEVEL SECURITY;"));
                if (o.Prop("Forced") != null) steps.Add(Step(EnableRls, o, $"ALTER TABLE {q} FORCE ROW LEVEL SECURITY;"));
                break;
            case CrmSchemaObjectType.Grant:
                steps.AddRange(ChangePrivileges(o, null, o.Prop("Privileges")));
                break;
        }
        if (o.Prop("Comment") is { } comment) steps.Add(Step(Comment, o, $"COMMENT ON {CommentTarget(o)} IS {Literal(comment)};"));
        if (withChildren)
            foreach (var child in s.ChildrenOf(o))
            {
                // A new table's columns are in its CREATE TABLE; their comments still need a statement.
                if (o.Type == CrmSchemaObjectType.Table && child.Type == CrmSchemaObjectType.Column && child.Parent == o.Key)
                {
                    if (child.Prop("Comment") is { } cc) steps.Add(Step(Comment, child, $"COMMENT ON {CommentTarget(child)} IS {Literal(cc)};"));
                    continue;
                }
                steps.AddRange(Create(child, s, withChildren: false));
            }
        return steps;
    }

    private static CrmSchemaStep CreateTypeStep(SchemaObject o) => o.Prop("Kind") switch
    {
        "enum" => Step(CreateType, o, $"CREATE TYPE {o.Q} AS ENUM ({o.Prop("Labels")});"),
        "domain" => Step(CreateType, o, $"CREATE DOMAIN {o.Q} AS {o.Prop("BaseType")}"
            + (o.Prop("Collation") is { } c ? " COLLATE " + c : "")
            + (o.Prop("Default") is { } d ? " DEFAULT " + d : "")
            + (o.Prop("NotNull") != null ? " NOT NULL" : "") + ";"),
        "range" => Step(CreateType, o, $"CREATE TYPE {o.Q} AS RANGE (SUBTYPE = {o.Prop("Subtype")});"),
        "composite" => Step(CreateType, o, $"CREATE TYPE {o.Q} AS ({o.Prop("Attributes")});"),
        _ => Todo(CreateType, o, "a type of an unknown kind"),
    };

    private static CrmSchemaStep CreateTableStep(SchemaObject o, SchemaSnapshot s, bool withChildren)
    {
        if (o.Prop("Foreign") != null) return Todo(CreateTable, o, "a foreign table (" + o.Prop("Foreign") + ")");
        if (o.Prop("Inherits") != null) return Todo(CreateTable, o, "inherits from " + o.Prop("Inherits"));
        var prefix = o.Prop("Persistence") == "UNLOGGED" ? "CREATE UNLOGGED TABLE" : "CREATE TABLE";
        if (o.Prop("PartitionOf") is { } partitionOf)
            return Step(CreateTable, o, $"{prefix} {o.Q} PARTITION OF {partitionOf}{PartitionBy(o)}{With(o)};");
        var columns = withChildren
            ? s.ChildrenOf(o).Where(c => c.Type == CrmSchemaObjectType.Column && c.Parent == o.Key)
                .OrderBy(c => int.Parse(c.Fact("Position") ?? "0", System.Globalization.CultureInfo.InvariantCulture))
                .Select(c => "    " + ColumnDefinition(c)).ToList()
            : [];
        var body = columns.Count == 0 ? "()" : "(\n" + string.Join(",\n", columns) + "\n)";
        return Step(CreateTable, o, $"{prefix} {o.Q} {body}{PartitionBy(o)}{With(o)};");
    }

    private static string PartitionBy(SchemaObject o) => o.Prop("PartitionKey") is { } k ? " PARTITION BY " + k : "";
    private static string With(SchemaObject o) => o.Prop("Options") is { Length: > 0 } opts ? $" WITH ({opts})" : "";
    private static string Body(SchemaObject o) => o.Prop("Definition")!.Trim().TrimEnd(';').TrimEnd();

    public static string ColumnDefinition(SchemaObject c)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(c.Q).Append(' ').Append(c.Prop("Type"));
        if (c.Prop("Collation") is { } coll) sb.Append(" COLLATE ").Append(coll);
        if (c.Prop("Generated") is { } gen) sb.Append(" GENERATED ALWAYS AS (").Append(gen).Append(") STORED");
        if (c.Prop("Default") is { } def) sb.Append(" DEFAULT ").Append(def);
        if (c.Prop("Identity") is { } id) sb.Append(" GENERATED ").Append(id).Append(" AS IDENTITY");
        if (c.Prop("NotNull") != null) sb.Append(" NOT NULL");
        return sb.ToString();
    }

    private static string SequenceOptions(SchemaObject o) =>
        $"AS {o.Prop("DataType")} INCREMENT BY {o.Prop("Increment")} MINVALUE {o.Prop("Minimum")} MAXVALUE {o.Prop("Maximum")} " +
        $"START WITH {o.Prop("Start")} CACHE {o.Prop("Cache")} {(o.Prop("Cycle") != null ? "CYCLE" : "NO CYCLE")}";

    private static string CreatePolicySql(SchemaObject o) =>
        $"CREATE POLICY {o.Q} ON {o.Fact("QTable")} AS {o.Prop("Permissive")} FOR {o.Prop("Command")} TO {o.Prop("Roles") ?? "public"}"
        + (o.Prop("Using") is { } u ? $" USING ({u})" : "")
        + (o.Prop("WithCheck") is { } w ? $" WITH CHECK ({w})" : "") + ";";

    private static string TriggerState(string? enabled) => enabled switch
    {
        "DISABLED" => "DISABLE",
        "REPLICA" => "ENABLE REPLICA",
        "ALWAYS" => "ENABLE ALWAYS",
        _ => "ENABLE",
    };

    private static string FunctionWord(SchemaObject o) => o.Fact("FunctionKind") switch { "p" => "PROCEDURE", "a" => "AGGREGATE", _ => "FUNCTION" };

    private static string CommentTarget(SchemaObject o) => o.Type switch
    {
        CrmSchemaObjectType.Schema => "SCHEMA " + o.Q,
        CrmSchemaObjectType.Table => (o.Prop("Foreign") != null ? "FOREIGN TABLE " : "TABLE ") + o.Q,
        CrmSchemaObjectType.View => "VIEW " + o.Q,
        CrmSchemaObjectType.MaterializedView => "MATERIALIZED VIEW " + o.Q,
        CrmSchemaObjectType.Column => $"COLUMN {o.Fact("QTable")}.{o.Q}",
        CrmSchemaObjectType.Index => "INDEX " + o.Q,
        CrmSchemaObjectType.Sequence => "SEQUENCE " + o.Q,
        CrmSchemaObjectType.Function => FunctionWord(o) + " " + o.Q,
        CrmSchemaObjectType.Trigger => $"TRIGGER {o.Q} ON {o.Fact("QTable")}",
        CrmSchemaObjectType.Policy => $"POLICY {o.Q} ON {o.Fact("QTable")}",
        CrmSchemaObjectType.Constraint => o.Fact("OnDomain") != null ? $"CONSTRAINT {o.Q} ON DOMAIN {o.Fact("QTable")}" : $"CONSTRAINT {o.Q} ON {o.Fact("QTable")}",
        CrmSchemaObjectType.Type => (o.Prop("Kind") == "domain" ? "DOMAIN " : "TYPE ") + o.Q,
        CrmSchemaObjectType.Extension => "EXTENSION " + o.Q,
        _ => o.Q,
    };

    // ---------------------------------------------------------------- drop

    public static List<CrmSchemaStep> Drop(SchemaObject o)
    {
        var q = o.Q;
        var steps = new List<CrmSchemaStep>();
        switch (o.Type)
        {
            case CrmSchemaObjectType.Schema: steps.Add(Reverse(DropSchema, o, $"DROP SCHEMA {q};")); break;
            case CrmSchemaObjectType.Extension: steps.Add(Reverse(DropExtension, o, $"DROP EXTENSION {q};")); break;
            case CrmSchemaObjectType.Type: steps.Add(Reverse(DropType, o, $"DROP {(o.Prop("Kind") == "domain" ? "DOMAIN" : "TYPE")} {q};")); break;
            // IF EXISTS: a sequence owned by a column or table dropped in the same script goes with it.
            case CrmSchemaObjectType.Sequence: steps.Add(Reverse(DropSequence, o, $"DROP SEQUENCE IF EXISTS {q};")); break;
            case CrmSchemaObjectType.Table:
                steps.Add(Reverse(DropTable, o, $"DROP {(o.Prop("Foreign") != null ? "FOREIGN TABLE" : "TABLE")} {q};"));
                break;
            case CrmSchemaObjectType.Column: steps.Add(Reverse(DropColumn, o, $"ALTER TABLE {o.Fact("QTable")} DROP COLUMN {q};")); break;
            case CrmSchemaObjectType.Constraint:
                steps.Add(Reverse(o.Fact("ConstraintType") == "f" ? DropForeignKey : DropConstraint, o,
                    $"ALTER {(o.Fact("OnDomain") != null ? "DOMAIN" : "TABLE")} {o.Fact("QTable")} DROP CONSTRAINT {q};"));
                break;
            case CrmSchemaObjectType.Index: steps.Add(Reverse(DropIndex, o, $"DROP INDEX {q};")); break;
            case CrmSchemaObjectType.View:
            case CrmSchemaObjectType.MaterializedView:
                if (o.Fact("Dependents") is { Length: > 0 } dependents)
                    steps.Add(new CrmSchemaStep(DropView, -o.Order, $"-- NOTE: {dependents} depend(s) on {o.Name}: they must be dropped first and recreated after (PostgreSQL refuses otherwise)."));
                steps.Add(Reverse(DropView, o, $"DROP {(o.Type == CrmSchemaObjectType.View ? "VIEW" : "MATERIALIZED VIEW")} {q};"));
                break;
            case CrmSchemaObjectType.Function: steps.Add(Reverse(DropFunction, o, $"DROP {FunctionWord(o)} {q};")); break;
            case CrmSchemaObjectType.Trigger: steps.Add(Reverse(DropPolicyTrigger, o, $"DROP TRIGGER {q} ON {o.Fact("QTable")};")); break;
            case CrmSchemaObjectType.Policy: steps.Add(Reverse(DropPolicyTrigger, o, $"DROP POLICY {q} ON {o.Fact("QTable")};")); break;
            case CrmSchemaObjectType.RLS:
                steps.Add(Reverse(DisableRls, o, $"ALTER TABLE {q} DISABLE ROW LEVEL SECURITY;"));
                if (o.Prop("Forced") != null) steps.Add(Reverse(DisableRls, o, $"ALTER TABLE {q} NO FORCE ROW LEVEL SECURITY;"));
                break;
            case CrmSchemaObjectType.Grant: steps.AddRange(ChangePrivileges(o, o.Prop("Privileges"), null)); break;
        }
        return steps;
    }

    // ---------------------------------------------------------------- change one property

    /// <summary>Turns <paramref name="from"/>'s <paramref name="prop"/> into <paramref name="to"/>'s (the same object on both sides).</summary>
    public static List<CrmSchemaStep> Alter(SchemaObject from, SchemaObject to, string prop, SchemaSnapshot toSnapshot)
    {
        var q = to.Q;
        var value = to.Prop(prop);
        var steps = new List<CrmSchemaStep>();
        if (prop == "Comment")
        {
            steps.Add(Step(Comment, to, $"COMMENT ON {CommentTarget(to)} IS {(value == null ? "NULL" : Literal(value))};"));
            return steps;
        }
        switch (to.Type)
        {
            case CrmSchemaObjectType.Column:
                var table = to.Fact("QTable");
                var column = $"ALTER TABLE {table} ALTER COLUMN {q}";
                switch (prop)
                {
                    case "Type":
                    case "Collation":
                        steps.Add(Step(AlterColumn, to, $"{column} TYPE {to.Prop("Type")}{(to.Prop("Collation") is { } c ? " COLLATE " + c : "")} USING {q}::{to.Prop("Type")};"));
                        break;
                    case "NotNull":
                        steps.Add(value != null ? Step(AlterColumn, to, $"{column} SET NOT NULL;") : Step(Revoke, to, $"{column} DROP NOT NULL;"));
                        break;
                    case "Default":
                        steps.Add(value != null ? Step(AlterColumn, to, $"{column} SET DEFAULT {value};") : Step(Revoke, to, $"{column} DROP DEFAULT;"));
                        break;
                    case "Identity":
                        steps.Add(from.Prop("Identity") == null ? Step(AlterColumn, to, $"{column} ADD GENERATED {value} AS IDENTITY;")
                            : value == null ? Step(Revoke, to, $"{column} DROP IDENTITY;")
                            : Step(AlterColumn, to, $"{column} SET GENERATED {value};"));
                        break;
                    case "Generated":
                        steps.Add(value == null ? Step(Revoke, to, $"{column} DROP EXPRESSION;")
                            : Todo(AlterColumn, to, $"becomes a generated column (GENERATED ALWAYS AS ({value}) STORED), which ALTER TABLE cannot do"));
                        break;
                    default: steps.Add(Todo(AlterColumn, to, $"{prop} changes")); break;
                }
                break;
            case CrmSchemaObjectType.Constraint:
            case CrmSchemaObjectType.Policy:
                // Dropped and created again (with its comment): ALTER cannot change these.
                steps.AddRange(Drop(from));
                steps.AddRange(Create(to, toSnapshot, withChildren: false));
                break;
            case CrmSchemaObjectType.Trigger:
                if (prop == "Enabled") steps.Add(Step(CreateTrigger, to, $"ALTER TABLE {to.Fact("QTable")} {TriggerState(value)} TRIGGER {q};"));
                else
                {
                    steps.AddRange(Drop(from));
                    steps.AddRange(Create(to, toSnapshot, withChildren: false));
                }
                break;
            case CrmSchemaObjectType.Index:
                if (prop == "Status")
                    steps.Add(value == null ? Step(CreateIndex, to, $"REINDEX INDEX {q};") : Todo(CreateIndex, to, "is INVALID on this side (a failed CREATE INDEX CONCURRENTLY)"));
                else
                {
                    steps.AddRange(Drop(from));
                    steps.AddRange(Create(to, toSnapshot, withChildren: false));
                }
                break;
            case CrmSchemaObjectType.View:
                if (prop == "Definition") steps.Add(Step(CreateView, to, $"CREATE OR REPLACE VIEW {q}{With(to)} AS\n{Body(to)};"));
                else if (prop == "Options") steps.AddRange(Options("VIEW", from, to));
                break;
            case CrmSchemaObjectType.MaterializedView:
                if (prop == "Options") steps.AddRange(Options("MATERIALIZED VIEW", from, to));
                break;
            case CrmSchemaObjectType.Table:
                switch (prop)
                {
                    case "Options": steps.AddRange(Options("TABLE", from, to)); break;
                    case "Persistence": steps.Add(Step(AlterColumn, to, $"ALTER TABLE {q} SET {(value == "UNLOGGED" ? "UNLOGGED" : "LOGGED")};")); break;
                    default: steps.Add(Todo(AlterColumn, to, $"{prop} changes from {from.Prop(prop) ?? "(none)"} to {value ?? "(none)"}")); break;
                }
                break;
            case CrmSchemaObjectType.Function:
                if (to.Fact("FunctionKind") == "a" || from.Fact("FunctionKind") == "a") steps.Add(Todo(CreateFunction, to, "an aggregate changes"));
                else if (from.Fact("Result") == to.Fact("Result") && from.Fact("FunctionKind") == to.Fact("FunctionKind"))
                    steps.Add(Step(CreateFunction, to, to.Prop("Definition")!.TrimEnd() + ";"));
                else
                {
                    steps.AddRange(Drop(from));
                    steps.Add(Step(CreateFunction, to, to.Prop("Definition")!.TrimEnd() + ";"));
                }
                break;
            case CrmSchemaObjectType.RLS:
                steps.Add(Step(EnableRls, to, $"ALTER TABLE {q} {(value != null ? "FORCE" : "NO FORCE")} ROW LEVEL SECURITY;"));
                break;
            case CrmSchemaObjectType.Grant:
                steps.AddRange(ChangePrivileges(to, from.Prop("Privileges"), value));
                break;
            case CrmSchemaObjectType.Sequence:
                steps.Add(prop switch
                {
                    "OwnedBy" => Step(AlterColumn, to, $"ALTER SEQUENCE {q} OWNED BY {to.Fact("QOwnedBy") ?? "NONE"};"),
                    "DataType" => Step(CreateSequence, to, $"ALTER SEQUENCE {q} AS {value};"),
                    "Start" => Step(CreateSequence, to, $"ALTER SEQUENCE {q} START WITH {value};"),
                    "Increment" => Step(CreateSequence, to, $"ALTER SEQUENCE {q} INCREMENT BY {value};"),
                    "Minimum" => Step(CreateSequence, to, $"ALTER SEQUENCE {q} MINVALUE {value};"),
                    "Maximum" => Step(CreateSequence, to, $"ALTER SEQUENCE {q} MAXVALUE {value};"),
                    "Cache" => Step(CreateSequence, to, $"ALTER SEQUENCE {q} CACHE {value};"),
                    "Cycle" => Step(CreateSequence, to, $"ALTER SEQUENCE {q} {(value != null ? "CYCLE" : "NO CYCLE")};"),
                    _ => Todo(CreateSequence, to, $"{prop} changes"),
                });
                break;
            case CrmSchemaObjectType.Extension:
                steps.Add(prop == "Version" ? Step(CreateExtension, to, $"ALTER EXTENSION {q} UPDATE TO {Literal(value ?? "")};")
                    : Step(CreateExtension, to, $"ALTER EXTENSION {q} SET SCHEMA {to.Fact("QSchema")};"));
                break;
            case CrmSchemaObjectType.Type:
                steps.Add(AlterType(from, to, prop));
                break;
            default:
                steps.Add(Todo(CreateTable, to, $"{prop} changes"));
                break;
        }
        return steps;
    }

    private static CrmSchemaStep AlterType(SchemaObject from, SchemaObject to, string prop)
    {
        var value = to.Prop(prop);
        if (to.Prop("Kind") == "domain" && from.Prop("Kind") == "domain")
        {
            if (prop == "NotNull") return Step(AlterColumn, to, $"ALTER DOMAIN {to.Q} {(value != null ? "SET" : "DROP")} NOT NULL;");
            if (prop == "Default") return value != null ? Step(AlterColumn, to, $"ALTER DOMAIN {to.Q} SET DEFAULT {value};") : Step(Revoke, to, $"ALTER DOMAIN {to.Q} DROP DEFAULT;");
        }
        if (prop == "Labels" && from.Prop("Labels") is { } old && value is { } now && now.StartsWith(old + ", ", StringComparison.Ordinal))
        {
            var added = now[(old.Length + 2)..];
            return Step(CreateType, to, string.Join("\n", SplitLabels(added).Select(l => $"ALTER TYPE {to.Q} ADD VALUE {l};")));
        }
        return Todo(CreateType, to, $"{prop} changes from {from.Prop(prop) ?? "(none)"} to {value ?? "(none)"} (an enum cannot lose a label, nor a type change its base)");
    }

    /// <summary>'a', 'b''c' → ['a', 'b''c'] (labels are quote_literal()'d, so a comma inside a label is inside quotes).</summary>
    private static IEnumerable<string> SplitLabels(string list)
    {
        var start = 0;
        var inQuote = false;
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] == '\'') inQuote = !inQuote;
            else if (list[i] == ',' && !inQuote) { yield return list[start..i].Trim(); start = i + 1; }
        }
        if (start < list.Length) yield return list[start..].Trim();
    }

    private static IEnumerable<CrmSchemaStep> Options(string kind, SchemaObject from, SchemaObject to)
    {
        var before = ParseOptions(from.Prop("Options"));
        var after = ParseOptions(to.Prop("Options"));
        var reset = before.Keys.Where(k => !after.ContainsKey(k)).ToList();
        var set = after.Where(kv => !before.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => kv.Key + "=" + kv.Value).ToList();
        if (reset.Count > 0) yield return Step(AlterColumn, to, $"ALTER {kind} {to.Q} RESET ({string.Join(", ", reset)});");
        if (set.Count > 0) yield return Step(AlterColumn, to, $"ALTER {kind} {to.Q} SET ({string.Join(", ", set)});");
    }

    private static Dictionary<string, string> ParseOptions(string? options) =>
        (options ?? "").Split(", ", StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    /// <summary>GRANT and REVOKE statements that turn one grantee's privileges <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static IEnumerable<CrmSchemaStep> ChangePrivileges(SchemaObject g, string? from, string? to)
    {
        var a = ParsePrivileges(from);
        var b = ParsePrivileges(to);
        var on = g.Fact("On");
        var grantee = g.Fact("Grantee");
        var cols = g.Fact("Columns");
        string P(IEnumerable<string> privs) => string.Join(", ", privs.Select(p => cols == null ? p : $"{p} ({cols})"));
        var grant = b.Where(kv => !a.ContainsKey(kv.Key) || (!a[kv.Key] && kv.Value)).ToList();
        var revoke = a.Keys.Where(k => !b.ContainsKey(k)).ToList();
        var revokeOption = a.Where(kv => kv.Value && b.TryGetValue(kv.Key, out var bg) && !bg).Select(kv => kv.Key).ToList();
        if (revoke.Count > 0) yield return Reverse(Revoke, g, $"REVOKE {P(revoke)} ON {on} FROM {grantee};");
        if (revokeOption.Count > 0) yield return Reverse(Revoke, g, $"REVOKE GRANT OPTION FOR {P(revokeOption)} ON {on} FROM {grantee};");
        var plain = grant.Where(kv => !kv.Value).Select(kv => kv.Key).ToList();
        var withOption = grant.Where(kv => kv.Value).Select(kv => kv.Key).ToList();
        if (plain.Count > 0) yield return Step(Grant, g, $"GRANT {P(plain)} ON {on} TO {grantee};");
        if (withOption.Count > 0) yield return Step(Grant, g, $"GRANT {P(withOption)} ON {on} TO {grantee} WITH GRANT OPTION;");
    }

    /// <summary>"SELECT, UPDATE WITH GRANT OPTION" → {SELECT: false, UPDATE: true}.</summary>
    private static Dictionary<string, bool> ParsePrivileges(string? list)
    {
        var d = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var p in (list ?? "").Split(", ", StringSplitOptions.RemoveEmptyEntries))
        {
            const string option = " WITH GRANT OPTION";
            if (p.EndsWith(option, StringComparison.Ordinal)) d[p[..^option.Length]] = true;
            else d.TryAdd(p, false);
        }
        return d;
    }
}
