using System.Management.Automation;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>CrmException to ErrorRecord: category from the kind, id "CrmOps.&lt;ErrorId&gt;", message only.</summary>
public static class ErrorRecords
{
    public static ErrorRecord From(CrmException ex)
    {
        var exception = new CrmOpsException(ex.Message);
        var record = new ErrorRecord(exception, "CrmOps." + ex.ErrorId, Map(ex.Kind), ex.TargetObject);
        if (ex.RecommendedAction != null) record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction };
        return record;
    }

    public static ErrorCategory Map(CrmErrorKind kind) => kind switch
    {
        CrmErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        CrmErrorKind.InvalidData => ErrorCategory.InvalidData,
        CrmErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        CrmErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        CrmErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        CrmErrorKind.SecurityError => ErrorCategory.SecurityError,
        CrmErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        CrmErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        CrmErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        CrmErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        CrmErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        CrmErrorKind.NotInstalled => ErrorCategory.NotInstalled,
        CrmErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };

}
