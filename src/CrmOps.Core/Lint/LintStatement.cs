using CrmOps.Migrations;
using CrmOps.Sql;

namespace CrmOps.Lint;

/// <summary>A name as PostgreSQL reads it (unquoted parts already folded): schema optional.</summary>
public readonly record struct ObjName(string? Schema, string Name)
{
    public string Quoted => Schema == null ? Identifier.Quote(Name) : Identifier.Quote(Schema, Name);
    public override string ToString() => Schema == null ? Name : Schema + "." + Name;
}

public enum StatementKind
{
    Other, CreateIndex, CreateTable, CreateMatView, CreateView, CreateFunction, AlterFunction, AlterTable,
    Drop, Refresh, Grant, Revoke, CreatePolicy, CreateTrigger, Update, Delete, Insert, Truncate, Do, Comment,
}

public enum AlterActionKind
{
    Other, AddColumn, AlterColumnType, SetNotNull, DropNotNull, SetDefault, AddConstraint, ValidateConstraint, DropColumn,
    DropConstraint, RenameColumn, RenameTable, RenameConstraint, EnableRls, DisableRls, ForceRls, SetSchema,
    SetLoggedOrUnlogged, SetTablespace, EnableDisableTrigger, SetStatistics, AttachPartition, DetachPartition, OwnerTo,
}

public enum ConstraintKind { None, Check, ForeignKey, Unique, PrimaryKey, Exclude, NotNull }

/// <summary>A constraint written in a statement: ADD CONSTRAINT, or inline on a column.</summary>
public sealed class ConstraintDef
{
    public string? Name { get; set; }
    public ConstraintKind Kind { get; set; }
    public bool NotValid { get; set; }
    public bool UsingIndex { get; set; }
    /// <summary>The expression tokens of a CHECK (without the outer parentheses).</summary>
    public List<SqlToken> CheckTokens { get; set; } = [];
    public ObjName? References { get; set; }
}

/// <summary>One action of an ALTER TABLE (actions are separated by top-level commas).</summary>
public sealed class AlterAction
{
    public AlterActionKind Kind { get; set; }
    public string? Column { get; set; }
    public string? NewName { get; set; }
    /// <summary>The type as written (ADD COLUMN, ALTER COLUMN TYPE), tokens kept for resolution.</summary>
    public List<SqlToken> TypeTokens { get; set; } = [];
    public string TypeText { get; set; } = "";
    public bool HasUsing { get; set; }
    public List<SqlToken>? DefaultTokens { get; set; }
    public bool NotNull { get; set; }
    public bool Identity { get; set; }
    public bool GeneratedStored { get; set; }
    public bool IfExists { get; set; }
    public bool IfNotExists { get; set; }
    public bool Cascade { get; set; }
    public List<ConstraintDef> Constraints { get; set; } = [];
    public string Text { get; set; } = "";
}

/// <summary>What the lint knows of one statement: its kind and the parts the rules read.</summary>
public sealed class LintStatement
{
    public StatementKind Kind { get; set; }
    public SqlStatement Source { get; init; } = new("", 0, "");
    public List<SqlToken> Tokens { get; init; } = [];
    public ObjName? Target { get; set; }
    /// <summary>DROP: every object named; TRUNCATE, GRANT and REVOKE: every table named.</summary>
    public List<ObjName> Targets { get; set; } = [];
    /// <summary>DROP: TABLE, VIEW, MATERIALIZED VIEW, FUNCTION, PROCEDURE, INDEX, ... (upper case, as written).</summary>
    public string ObjectType { get; set; } = "";
    public bool Concurrently { get; set; }
    public bool IfExists { get; set; }
    public bool IfNotExists { get; set; }
    public bool Cascade { get; set; }
    public bool Unique { get; set; }
    public bool OrReplace { get; set; }
    public bool Only { get; set; }
    public string? IndexName { get; set; }
    /// <summary>Index of the INDEX keyword token (to write the CONCURRENTLY version of the statement).</summary>
    public int IndexKeywordOffset { get; set; } = -1;
    /// <summary>CREATE MATERIALIZED VIEW ... WITH NO DATA, REFRESH ... WITH NO DATA.</summary>
    public bool WithNoData { get; set; }
    /// <summary>CREATE TABLE ... AS / PARTITION BY / TEMP.</summary>
    public bool Temporary { get; set; }
    public bool Partitioned { get; set; }
    /// <summary>Functions: SET search_path given (CREATE) or set / reset (ALTER).</summary>
    public bool SetsSearchPath { get; set; }
    public bool ResetsSearchPath { get; set; }
    public bool SecurityDefiner { get; set; }
    public string? ArgumentText { get; set; }
    public List<AlterAction> Actions { get; set; } = [];
    /// <summary>GRANT/REVOKE: the privileges (lower case; "all" for ALL [PRIVILEGES]) and roles (lower case, "public").</summary>
    public List<string> Privileges { get; set; } = [];
    public List<string> Roles { get; set; } = [];
    /// <summary>GRANT/REVOKE ... ON ALL TABLES IN SCHEMA s: the schemas.</summary>
    public List<string> AllTablesInSchemas { get; set; } = [];
    /// <summary>DO: the statements of the body that the lint can read (plain GRANT, REVOKE and ALTER statements).</summary>
    public List<LintStatement> Inner { get; set; } = [];

    public string FirstLine
    {
        get
        {
            var t = Source.Text;
            var nl = t.IndexOf('\n', StringComparison.Ordinal);
            var line = (nl < 0 ? t : t[..nl]).Trim();
            return line.Length > 120 ? line[..120] + "..." : line;
        }
    }

    /// <summary>The line a token of this statement is on.</summary>
    public int LineOf(int offset) => Source.Line + Source.Text.AsSpan(0, Math.Min(offset, Source.Text.Length)).Count('\n');
}
