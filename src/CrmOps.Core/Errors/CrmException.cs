namespace CrmOps.Errors;

/// <summary>What kind of failure, mapped one to one onto PowerShell's ErrorCategory by the cmdlet layer.</summary>
public enum CrmErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    ConnectionError,
    AuthenticationError,
    SecurityError,
    PermissionDenied,
    ResourceUnavailable,
    ResourceBusy,
    OperationTimeout,
    InvalidOperation,
    NotInstalled,
    OperationStopped,
}

/// <summary>
/// The one exception type the core throws at its callers: a stable error id, a kind, a one-line
/// message that never contains a password, and optionally the object it is about.
/// </summary>
public class CrmException : Exception
{
    public string ErrorId { get; }
    public CrmErrorKind Kind { get; }
    /// <summary>What the error is about (a table, a file, a version): PowerShell's ErrorRecord.TargetObject.</summary>
    public object? TargetObject { get; }
    public string? RecommendedAction { get; init; }

    public CrmException(string errorId, CrmErrorKind kind, string message, object? targetObject = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        TargetObject = targetObject;
    }
}
