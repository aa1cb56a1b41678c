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

/// <summary>The directives in an up script's header (the comment lines before the first statement).</summary>
public sealed class Directives
{
    public bool NoTransaction { get; init; }
    public IReadOnlyList<RowRequirement> Requirements { get; init; } = [];
    public IReadOnlyList<LintAllow> Allows { get; init; } = [];

    private static readonly Regex DirectiveLine = new(@"^\s*--\s*crmops:(?<name>[a-z-]+)\s*(?<args>.*?)\s*$", RegexOptions.IgnoreCase);
    private static readonly Regex RequireRows = new(
        @"^(?<table>(?:""(?:[^""]|"""")+""|[A-Za-z_][\w$]*)(?:\.(?:""(?:[^""]|"""")+""|[A-Za-z_][\w$]*))?)\s*(?<op>>=|<=|=|>|<)\s*(?<n>[0-9][0-9_,]*)$");

    /// <summary>Parses the header; a misspelt or malformed directive is an error (a guard that silently does nothing is worse than none).</summary>
    public static Directives Parse(string content, string path)
    {
        var noTx = false;
        var reqs = new List<RowRequirement>();
        var allows = new List<LintAllow>();
        var lines = content.Split('\n');
        var inHeader = true;
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            var trimmed = raw.Trim();
            var m = DirectiveLine.Match(raw);
            if (inHeader && trimmed.Length != 0 && !trimmed.StartsWith("--", StringComparison.Ordinal)) inHeader = false;
            if (!m.Success) continue;
            if (!inHeader)
                throw Invalid(path, i + 1, $"the directive '{trimmed}' comes after the first statement; directives belong in the comment header at the top of the file.");
            var name = m.Groups["name"].Value.ToLowerInvariant();
            var args = m.Groups["args"].Value;
            switch (name)
            {
                case "no-transaction":
                    if (args.Length != 0) throw Invalid(path, i + 1, "crmops:no-transaction takes no arguments.");
                    noTx = true;
                    break;
                case "require-rows":
                    var r = RequireRows.Match(args);
                    if (!r.Success)
                        throw Invalid(path, i + 1, $"'{trimmed}' is not 'crmops:require-rows <table> >= <n>' (operators >=, >, =, <=, <).");
                    var (schema, table) = Identifier.Parse(r.Groups["table"].Value);
                    var count = long.Parse(r.Groups["n"].Value.Replace("_", "").Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
                    reqs.Add(new RowRequirement(schema, table, r.Groups["op"].Value, count, i + 1));
                    break;
                case "allow":
                    allows.Add(ParseAllow(args, path, i + 1));
                    break;
                default:
                    throw Invalid(path, i + 1, $"unknown directive 'crmops:{name}' (known: crmops:require-rows, crmops:no-transaction, crmops:allow).");
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
        new("MigrationDirectiveInvalid", CrmErrorKind.InvalidData, $"{path}:{line}: {message}", path);
}
