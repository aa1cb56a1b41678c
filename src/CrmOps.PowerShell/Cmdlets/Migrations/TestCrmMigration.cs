using System.Management.Automation;
using CrmOps.Errors;
using CrmOps.Lint;
using CrmOps.Migrations;
using CrmOps.PowerShell.Infrastructure;

namespace CrmOps.PowerShell.Cmdlets.Migrations;

/// <summary>
/// Validates the set; -RoundTrip rehearses up, verify and down of each pending migration in a transaction that is always
/// rolled back; -Lint judges each statement of the pending (-All: every) migration against the live database.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "CrmMigration", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CrmCheckResult), typeof(CrmLintFinding))]
public sealed class TestCrmMigration : MigrationCmdlet
{
    [Parameter]
    public SwitchParameter RoundTrip { get; set; }

    /// <summary>lock_timeout for the rehearsed statements (default 5 s).</summary>
    [Parameter]
    [Seconds(0, 3600, MinimumExclusive = true)]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Parameter]
    public SwitchParameter AllowOutOfOrder { get; set; }

    /// <summary>Lint the migrations: one CrmLintFinding per problem.</summary>
    [Parameter]
    public SwitchParameter Lint { get; set; }

    /// <summary>With -Lint: every migration of the set, not only the pending ones.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <summary>With -Lint: rows from which a size-dependent finding is a Warning (default 100,000).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long WarningRows { get; set; } = 100_000;

    /// <summary>With -Lint: rows from which a size-dependent finding is an Error (default 1,000,000).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ErrorRows { get; set; } = 1_000_000;

    /// <summary>With -Lint: the schemas Supabase's Data API serves (default: the database's pgrst.db_schemas, else public).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ExposedSchema { get; set; }

    protected override void ProcessCrmRecord()
    {
        if (Lint && RoundTrip)
            throw new CrmException("ParameterConflict", CrmErrorKind.InvalidArgument, "-Lint and -RoundTrip are separate checks: run Test-CrmMigration once with each.", "Lint");
        if (!Lint && (All || MyInvocation.BoundParameters.ContainsKey(nameof(WarningRows)) || MyInvocation.BoundParameters.ContainsKey(nameof(ErrorRows)) || ExposedSchema != null))
            throw new CrmException("ParameterConflict", CrmErrorKind.InvalidArgument, "-All, -WarningRows, -ErrorRows and -ExposedSchema go with -Lint.", "Lint");
        if (Lint && WarningRows > ErrorRows)
            throw new CrmException("ParameterConflict", CrmErrorKind.InvalidArgument, $"-WarningRows ({WarningRows}) must not be larger than -ErrorRows ({ErrorRows}).", "WarningRows");
        var set = LoadSet();
        if (Lint)
        {
            foreach (var p in set.Problems) WriteCrmError(p.ToException());
            var options = new LintOptions { WarningRows = WarningRows, ErrorRows = ErrorRows, ExposedSchemas = ExposedSchema };
            WriteObject(MigrationLinter.Lint(Database, set, All, options, CrmHost), enumerateCollection: true);
            return;
        }
        var results = RoundTrip
            ? MigrationRehearsal.RoundTrip(Database, set, new MigrationOptions { LockTimeout = LockTimeout, AllowOutOfOrder = AllowOutOfOrder }, CrmHost)
            : MigrationValidator.Validate(Database, set);
        WriteObject(results, enumerateCollection: true);
    }
}
