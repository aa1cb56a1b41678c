using System.Text.RegularExpressions;
using CrmOps.Errors;
using CrmOps.Sql;

namespace CrmOps.Migrations;

/// <summary>A <c>-- crmops:require-rows &lt;table&gt; &lt;op&gt; &lt;n&gt;</c> guard.</summary>
public sealed record RowRequirement(string? Schema, string Table, string Operator, long Count, int Line)
{
    /// <summary>The table as written, each part quoted: "public"."customers".</summary>
    public string QuotedName => new QualifiedName(Schema, Table).Quoted;
    public string DisplayName => Schema == null ? Table : Schema + "." + Table;
    public override string ToString() => $"{DisplayName} {Operator} {Count}";

    public bool IsSatisfiedBy(long rows) => Operator switch
    {
        ">=" => rows >= Count,
        ">" => rows > Count,
        "=" => rows == Count,
        "<=" => rows <= Count,
        "<" => rows < Count,
        _ => false,
    };
}

/// <summary>A <c>-- crmops:allow &lt;rule&gt; &lt;reason&gt;</c> directive: the file accepts every finding of that lint rule, for the reason given.</summary>
public sealed record LintAllow(string Rule, string Reason, int Line);

/// <summary>
/// The directives in a script's header (the comment lines before the first statement). A guard that silently does
/// nothing is worse than none, so a comment anywhere in the file that looks like a directive (starts with "crmops",
/// "-crmops", "no-transaction" or "require-rows", or is a /* */ comment that does) must be one exactly, in the
/// header, or the file is refused with its line. A commented-out directive ("-- -- crmops:...") is a comment.
/// </summary>
public sealed class Directives
{
    public bool NoTransaction { get; init; }
    public IReadOnlyList<RowRequirement> Requirements { get; init; } = [];
    public IReadOnlyList<LintAllow> Allows { get; init; } = [];
    public bool IsEmpty => !NoTransaction && Requirements.Count == 0 && Allows.Count == 0;

    private static readonly Regex Exact = new(@"^\s*crmops:(?<name>[a-z]+(?:-[a-z]+)*)(?:\s+(?<args>.*?))?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex LooksLike = new(@"^\s*(?:-?\s*crm[-_]?ops\b|@?(?:no[-_ ]?transaction|require[-_ ]?rows)\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex RequireRows = new(
        @"^(?<table>(?:""(?:[^""]|"""")+""|[A-Za-z_][\w$]*)(?:\.(?:""(?:[^""]|"""")+""|[A-Za-z_][\w$]*))?)\s*(?<op>>=|<=|=|>|<)\s*(?<n>[0-9][0-9_,]*)$", RegexOptions.CultureInvariant);

    /// <summary>Parses the directives of an up or rollback script; a misspelt, misplaced or malformed directive is an error naming its line.</summary>
    public static Directives Parse(string content, string path)
    {
        var comments = new List<SqlComment>();
        StatementSplitter.Split(content, path, comments);
        var noTx = false;
        var reqs = new List<RowRequirement>();
        var allows = new List<LintAllow>();
        foreach (var c in comments)
        {
            if (!c.IsLineComment)
            {
                var lines = c.Text.Split('\n');
                for (var k = 0; k < lines.Length; k++)
                    if (LooksLike.IsMatch(lines[k].TrimStart().TrimStart('*')))
                        throw Invalid(path, c.Line + k, $"'{lines[k].Trim()}' inside a /* */ comment looks like a directive, but directives are line comments: write it as '-- crmops:...' in the comment lines at the top of the file, or reword the comment.");
                continue;
            }
            if (c.Text.TrimStart().StartsWith("--", StringComparison.Ordinal)) continue; // "-- -- crmops:..." is commented out
            if (!LooksLike.IsMatch(c.Text)) continue;
            var shown = "--" + c.Text.TrimEnd();
            var m = Exact.Match(c.Text);
            if (!m.Success)
                throw Invalid(path, c.Line, $"'{shown.Trim()}' looks like a directive but is not one. Write it exactly '-- crmops:require-rows <table> >= <n>', '-- crmops:no-transaction' or '-- crmops:allow <lint rule> <reason>' (no space around the colon), or reword the comment.");
            if (!c.InHeader)
                throw Invalid(path, c.Line, $"the directive '{shown.Trim()}' comes after the first statement; directives belong in the comment lines at the top of the file.");
            var name = m.Groups["name"].Value.ToLowerInvariant();
            var args = m.Groups["args"].Value;
            switch (name)
            {
                case "no-transaction":
                    if (args.Length != 0) throw Invalid(path, c.Line, "crmops:no-transaction takes no arguments.");
                    noTx = true;
                    break;
                case "require-rows":
                    var r = RequireRows.Match(args);
                    if (!r.Success)
                        throw Invalid(path, c.Line, $"'{shown.Trim()}' is not 'crmops:require-rows <table> >= <n>' (operators >=, >, =, <=, <; n a whole number).");
                    var (schema, table) = Identifier.Parse(r.Groups["table"].Value);
                    var digits = r.Groups["n"].Value.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
                    if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
                        throw Invalid(path, c.Line, $"the row count {r.Groups["n"].Value} in '{shown.Trim()}' is too large: at most {long.MaxValue:N0}.");
                    reqs.Add(new RowRequirement(schema, table, r.Groups["op"].Value, count, c.Line));
                    break;
                case "allow":
                    allows.Add(ParseAllow(args, path, c.Line));
                    break;
                default:
                    throw Invalid(path, c.Line, $"unknown directive 'crmops:{name}' (known: crmops:require-rows, crmops:no-transaction, crmops:allow).");
            }
        }
        return new Directives { NoTransaction = noTx, Requirements = reqs, Allows = allows };
    }

    /// <summary>crmops:allow &lt;rule&gt; &lt;reason&gt;: a known rule name and a reason of at least a few words' worth.</summary>
    private static LintAllow ParseAllow(string args, string path, int line)
    {
        var space = args.IndexOfAny([' ', '\t']);
        var rule = (space < 0 ? args : args[..space]).Trim().ToLowerInvariant();
        var reason = space < 0 ? "" : args[space..].Trim();
        if (rule.Length == 0)
            throw Invalid(path, line, "crmops:allow needs a rule and a reason: -- crmops:allow <rule> <reason>.");
        if (!Lint.LintRules.Names.Contains(rule, StringComparer.Ordinal))
            throw Invalid(path, line, $"crmops:allow names an unknown lint rule '{rule}' (known: {string.Join(", ", Lint.LintRules.Names)}).");
        if (reason.Length < 3)
            throw Invalid(path, line, $"crmops:allow {rule} needs a reason after the rule name (it is shown in the plan): -- crmops:allow {rule} <why this is safe here>.");
        return new LintAllow(rule, reason, line);
    }

    private static CrmException Invalid(string path, int line, string message) =>
        new("MigrationDirectiveInvalid", CrmErrorKind.InvalidData, $"{path}:{line}: {message} Nothing was run.", path);
}
