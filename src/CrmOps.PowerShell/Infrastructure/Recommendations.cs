using System.Management.Automation;
using System.Management.Automation.Language;
using CrmOps.Connections;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// What the user typed, read back so that the commands CrmOps recommends run as they are on the same database: the text
/// of their -Connection argument, and their own command with a mistyped name corrected.
/// </summary>
internal static class Recommendations
{
    /// <summary>
    /// How the user named the connection, to repeat as -Connection in recommended commands: a variable or property
    /// (<c>$sb</c>, <c>$env:CRM</c>, <c>$x.Connection</c>) or a connection string without a password, as typed; else the
    /// connection's own string without its password (a passfile or trust then authenticates).
    /// </summary>
    public static string ConnectionArgument(InvocationInfo? invocation, CrmConnection connection)
    {
        var fallback = Quote(connection.Name ?? connection.DisplayString);
        if (invocation == null || Command(invocation) is not { } command) return fallback;
        var elements = command.CommandElements;
        for (var i = 1; i < elements.Count; i++)
        {
            if (elements[i] is not CommandParameterAst p || p.ParameterName.Length < 2
                || !"Connection".StartsWith(p.ParameterName, StringComparison.OrdinalIgnoreCase)) continue;
            var argument = p.Argument ?? (i + 1 < elements.Count ? elements[i + 1] as ExpressionAst : null);
            return argument switch
            {
                VariableExpressionAst v when !v.Splatted => v.Extent.Text,
                MemberExpressionAst m when m is not InvokeMemberExpressionAst && m.Expression is VariableExpressionAst => m.Extent.Text,
                StringConstantExpressionAst s when Secrets.Redact(s.Value, null) == s.Value => Quote(s.Value),
                _ => fallback,
            };
        }
        return fallback;
    }

    /// <summary>
    /// The user's command with the mistyped name replaced by the suggestion (<c>Invoke-CrmTimelineRefresh
    /// customer_activty_timeline</c> → <c>Invoke-CrmTimelineRefresh customer_activity_timeline</c>); null when the name
    /// is not an argument on the command line (it came down the pipeline).
    /// </summary>
    public static string? Corrected(InvocationInfo invocation, NameCorrection correction)
    {
        if (Command(invocation) is not { } command) return null;
        var elements = command.CommandElements;
        var typo = elements.Skip(1).SelectMany(e => e.FindAll(a => a is StringConstantExpressionAst, true)).Cast<StringConstantExpressionAst>()
            .FirstOrDefault(a => string.Equals(Sql.Identifier.ParseLenient(a.Value).Name, correction.Typed, StringComparison.Ordinal)
                                 || string.Equals(a.Value, correction.Typed, StringComparison.Ordinal));
        if (typo == null) return null;
        // The command and its own arguments, the typo replaced; common parameters (-ErrorAction, -ErrorVariable...) and
        // redirections left out: they are how this call was made, not part of what to run.
        var parts = new List<string> { elements[0].Extent.Text };
        for (var i = 1; i < elements.Count; i++)
        {
            if (elements[i] is CommandParameterAst p && IsCommon(p.ParameterName, out var isSwitch))
            {
                if (!isSwitch && p.Argument == null && i + 1 < elements.Count && elements[i + 1] is not CommandParameterAst) i++;
                continue;
            }
            var text = elements[i].Extent.Text;
            if (typo.Extent.StartOffset >= elements[i].Extent.StartOffset && typo.Extent.EndOffset <= elements[i].Extent.EndOffset)
            {
                var from = typo.Extent.StartOffset - elements[i].Extent.StartOffset;
                text = text[..from] + correction.Suggested + text[(from + typo.Extent.Text.Length)..];
            }
            parts.Add(text);
        }
        return Secrets.Redact(string.Join(" ", parts), null);
    }

    private static bool IsCommon(string parameter, out bool isSwitch)
    {
        var name = CommonAliases.TryGetValue(parameter, out var full) ? full
            : parameter.Length >= 3 ? Common.FirstOrDefault(c => c.StartsWith(parameter, StringComparison.OrdinalIgnoreCase)) : null;
        isSwitch = name is "Verbose" or "Debug";
        return name != null;
    }

    private static readonly string[] Common =
    [
        "ErrorAction", "ErrorVariable", "WarningAction", "WarningVariable", "InformationAction", "InformationVariable",
        "OutVariable", "OutBuffer", "PipelineVariable", "ProgressAction", "Verbose", "Debug",
    ];

    private static readonly Dictionary<string, string> CommonAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ea"] = "ErrorAction", ["ev"] = "ErrorVariable", ["wa"] = "WarningAction", ["wv"] = "WarningVariable",
        ["infa"] = "InformationAction", ["iv"] = "InformationVariable", ["ov"] = "OutVariable", ["ob"] = "OutBuffer",
        ["pv"] = "PipelineVariable", ["proga"] = "ProgressAction", ["vb"] = "Verbose", ["db"] = "Debug",
    };

    /// <summary>
    /// The command this invocation is, parsed from its statement's text (InvocationInfo.Statement, PowerShell 7.4+; read by
    /// reflection because the reference assemblies are PowerShell Standard), else from its line and column.
    /// </summary>
    private static CommandAst? Command(InvocationInfo invocation)
    {
        var name = invocation.MyCommand?.Name;
        bool IsThis(Ast a) => a is CommandAst c && string.Equals(c.GetCommandName(), name, StringComparison.OrdinalIgnoreCase);
        if (StatementProperty?.GetValue(invocation) is string { Length: > 0 } statement)
        {
            var ast = Parser.ParseInput(statement, out _, out var errors);
            if (errors.Length == 0 && ast.Find(IsThis, true) is CommandAst found) return found;
        }
        if (string.IsNullOrWhiteSpace(invocation.Line) || invocation.OffsetInLine < 1) return null;
        var lineAst = Parser.ParseInput(invocation.Line, out _, out var lineErrors);
        if (lineErrors.Length > 0) return null;
        return lineAst.Find(a => IsThis(a) && a.Extent.StartColumnNumber == invocation.OffsetInLine, true) as CommandAst;
    }

    private static readonly System.Reflection.PropertyInfo? StatementProperty = typeof(InvocationInfo).GetProperty("Statement");

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
