namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Declares that a command only reads its database and may read a slightly older state (no more than the
/// connection's MaxReplicaLag behind): CrmCmdlet then gives it the connection's read replica as Database when there
/// is one and it is current enough, else the primary with a warning. Commands without it always use the primary:
/// those that change data, and those that need the latest state (migration history before a migration).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReadsOnlyAttribute : Attribute
{
}
