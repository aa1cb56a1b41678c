namespace CrmOps.PowerShell.Infrastructure;

/// <summary>The exception inside a CrmOps ErrorRecord: only a message, no inner exception that could carry secrets.</summary>
public sealed class CrmOpsException : Exception
{
    public CrmOpsException() { }
    public CrmOpsException(string message) : base(message) { }
    public CrmOpsException(string message, Exception innerException) : base(message, innerException) { }
    public override string? StackTrace => null;
}
