using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using CrmOps.Catalog;
using CrmOps.Sql;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Tab completion of table and view names from the live database: the session default connection
/// (none: no completions), the -Schema already typed (default public), a short timeout.
/// </summary>
public sealed class TableNameCompleter : IArgumentCompleter
{
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = CrmSession.Default;
        if (connection == null) return [];
        string? schema = null;
        if (fakeBoundParameters.Contains("Schema"))
        {
            var value = fakeBoundParameters["Schema"];
            if (value is PSObject pso) value = pso.BaseObject;
            schema = value switch
            {
                string s => s,
                object[] { Length: > 0 } a => a[0]?.ToString(),
                _ => null,
            };
            if (schema != null && CatalogPattern.HasWildcards(schema)) schema = null;
        }
        var typed = (wordToComplete ?? "").Trim('\'', '"');
        var qualifiedSchema = Identifier.ParseLenient(typed).Schema;
        var names = CrmCatalog.CompleteNames(connection, schema, typed, Timeout);
        return names.Select(n =>
        {
            var text = qualifiedSchema != null && schema == null ? $"{qualifiedSchema}.{n}" : n;
            var quoted = text.All(c => char.IsLetterOrDigit(c) || c is '_' or '.') ? text : "'" + text.Replace("'", "''") + "'";
            return new CompletionResult(quoted, n, CompletionResultType.ParameterValue, text);
        }).ToList();
    }
}
