using System.Collections;
using System.Management.Automation;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Lets -Connection take one or several of: a CrmConnection, a CrmSandbox, a connection string (keyword, libpq or
/// postgresql:// form: it holds '=' or '://'), or a name registered with Connect-CrmDatabase -Name.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ConnectionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = Unwrap(inputData);
        if (value is null) return null;
        try
        {
            if (value is IEnumerable many and not string)
            {
                var list = new List<CrmConnection>();
                foreach (var item in many) list.Add(One(Unwrap(item)));
                return list.ToArray();
            }
            return new[] { One(value) };
        }
        catch (CrmException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message);
        }
    }

    private static object? Unwrap(object? o) => o is PSObject pso ? pso.BaseObject : o;

    private static CrmConnection One(object? value) => value switch
    {
        CrmConnection c => c,
        CrmSandbox s when s.Connection != null => s.Connection,
        string text when LooksLikeConnectionString(text) => CrmSession.ForString(text),
        string name when !string.IsNullOrWhiteSpace(name) => CrmSession.Find(name.Trim()) ?? throw new CrmException("ConnectionNameUnknown", CrmErrorKind.ObjectNotFound,
            $"No connection is named '{name.Trim()}' in this session{Known()}. Register one with Connect-CrmDatabase -Name {name.Trim()} '<connection string>', or pass a connection string."),
        null => throw new ArgumentTransformationMetadataException("-Connection got an empty value."),
        _ => throw new ArgumentTransformationMetadataException(
            $"-Connection takes CrmConnections, CrmSandboxes, connection strings or registered names, not {value.GetType().Name}."),
    };

    private static bool LooksLikeConnectionString(string text) =>
        text.Contains('=', StringComparison.Ordinal) || text.Contains("://", StringComparison.Ordinal);

    private static string Known() => CrmSession.NamedConnections is { Count: > 0 } named
        ? " (Get-CrmConnection lists them: " + string.Join(", ", named.Select(c => c.Name)) + ")"
        : "";
}
