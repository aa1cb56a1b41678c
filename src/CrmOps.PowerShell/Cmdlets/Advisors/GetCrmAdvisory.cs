using System.Management.Automation;
using CrmOps.Advisors;
using CrmOps.Errors;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Advisors;

/// <summary>Supabase's Security and Performance Advisors (splinter's lints) computed on the live database.</summary>
[Cmdlet(VerbsCommon.Get, "CrmAdvisory")]
[OutputType(typeof(CrmAdvisory))]
public sealed class GetCrmAdvisory : CrmCmdlet
{
    /// <summary>The lints to run, by splinter's name (wildcards); default all.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>Only advisories of these levels.</summary>
    [Parameter]
    public CrmAdvisoryLevel[]? Level { get; set; }

    /// <summary>Only advisories of these categories.</summary>
    [Parameter]
    [ValidateSet("SECURITY", "PERFORMANCE", IgnoreCase = true)]
    public string[]? Category { get; set; }

    /// <summary>The schemas Supabase's Data API serves (default: the database's pgrst.db_schemas, else public).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExposedSchema { get; set; }

    protected override void ProcessCrmRecord()
    {
        string[]? names = null;
        if (Name != null)
        {
            var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            names = DatabaseAdvisor.Lints.Select(l => l.Name).Where(n => patterns.Any(p => p.IsMatch(n))).ToArray();
            if (names.Length == 0)
                throw new CrmException("AdvisoryNotFound", CrmErrorKind.ObjectNotFound,
                    $"No advisor matches '{string.Join("', '", Name)}' (known: {string.Join(", ", DatabaseAdvisor.Lints.Select(l => l.Name))}).", string.Join(",", Name));
        }
        var run = DatabaseAdvisor.Run(Database, new AdvisoryOptions { Names = names, ExposedSchemas = ExposedSchema }, CrmHost);
        if (run.SkipReason != null) CrmHost.WriteWarning(run.SkipReason);
        CrmHost.WriteVerbose($"Exposed schemas (Supabase's Data API): {string.Join(", ", run.ExposedSchemas)}.");
        var result = run.Advisories
            .Where(a => Level == null || Level.Contains(a.Level))
            .Where(a => Category == null || a.Categories.Any(c => Category.Contains(c, StringComparer.OrdinalIgnoreCase)))
            .OrderBy(a => a.Level).ThenBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Schema, StringComparer.Ordinal).ThenBy(a => a.Object, StringComparer.Ordinal);
        WriteObject(result, enumerateCollection: true);
    }
}
