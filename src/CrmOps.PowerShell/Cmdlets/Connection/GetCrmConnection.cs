using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Connection;

/// <summary>The session's named connections (Connect-CrmDatabase -Name), in the order they were registered.</summary>
[Cmdlet(VerbsCommon.Get, "CrmConnection")]
[OutputType(typeof(CrmConnection))]
public sealed class GetCrmConnection : CrmCmdletBase
{
    /// <summary>Only these names (wildcards).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessCrmRecord()
    {
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var found = false;
        foreach (var c in CrmSession.NamedConnections)
        {
            if (patterns != null && !patterns.Any(p => p.IsMatch(c.Name))) continue;
            found = true;
            WriteObject(c);
        }
        if (!found && Name != null && !Name.Any(WildcardPattern.ContainsWildcardCharacters))
            WriteCrmError(new Errors.CrmException("ConnectionNameUnknown", Errors.CrmErrorKind.ObjectNotFound,
                $"No connection is named '{string.Join("', '", Name)}' in this session. Connect-CrmDatabase -Name registers one.", Name));
    }
}
