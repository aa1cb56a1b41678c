using System.Management.Automation;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>Lets -Connection take a CrmConnection, a CrmSandbox or a connection string.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ConnectionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        try
        {
            return value switch
            {
                null => null,
                CrmConnection c => c,
                CrmSandbox s when s.Connection != null => s.Connection,
                string text when !string.IsNullOrWhiteSpace(text) => CrmSession.ForString(text),
                _ => throw new ArgumentTransformationMetadataException(
                    $"-Connection takes a CrmConnection, a CrmSandbox or a connection string, not {value.GetType().Name}."),
            };
        }
        catch (CrmException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message);
        }
    }
}
