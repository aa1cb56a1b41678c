using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using CrmOps.Catalog;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>Tab completion of -Schema from the live database (the session default connection; none: no completions), with a short timeout.</summary>
public sealed class SchemaNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = CrmSession.Default;
        if (connection == null) return [];
        return CrmCatalog.CompleteSchemas(connection, wordToComplete, TableNameCompleter.Timeout).Select(n =>
        {
            var text = CrmCatalog.ArgumentFor(null, n);
            return new CompletionResult(text, n, CompletionResultType.ParameterValue, n);
        }).ToList();
    }
}
