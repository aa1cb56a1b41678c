using CrmOps.Advisors;
using CrmOps.Connections;
using CrmOps.Hosting;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Operations;

public sealed class DatabaseCheckOptions
{
    public TimeSpan MaxScoreAge { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan MaxRefreshAge { get; init; } = TimeSpan.FromDays(1);
    /// <summary>Orders whose email links to no customer, as a share of all orders, above which the check fails.</summary>
    public decimal MaxUnlinkedPercent { get; init; } = 1.0m;
    /// <summary>The lowest advisory level whose check fails when an advisory of that level exists (default Warn: ERROR and WARN fail, INFO is reported).</summary>
    public CrmAdvisoryLevel AdvisoryLevel { get; init; } = CrmAdvisoryLevel.Warn;
    /// <summary>The schemas Supabase's Data API serves, for the advisors (null: pgrst.db_schemas, else public).</summary>
    public IReadOnlyList<string>? ExposedSchemas { get; init; }
}

/// <summary>
/// Test-CrmDatabase's work: the seed's verification queries as checks a Pester test can assert on.
/// All reads, in one read-only transaction.
/// </summary>
public static class DatabaseChecks
{
    public static IReadOnlyList<CrmCheckResult> Run(CrmConnection connection, DatabaseCheckOptions options, ICrmHost host)
    {
        var results = Seed(connection, options).ToList();
        results.AddRange(Advisories(connection, options, host));
        return results;
    }

    /// <summary>
    /// One check per advisory level (Get-CrmAdvisory's findings): AdvisoryError, AdvisoryWarn, AdvisoryInfo. A level at
    /// or above options.AdvisoryLevel fails when it has advisories; below, the check passes and reports them.
    /// </summary>
    private static IEnumerable<CrmCheckResult> Advisories(CrmConnection connection, DatabaseCheckOptions options, ICrmHost host)
    {
        var run = DatabaseAdvisor.Run(connection, new AdvisoryOptions { ExposedSchemas = options.ExposedSchemas }, host);
        if (run.SkipReason != null) host.WriteVerbose(run.SkipReason);
        foreach (var level in new[] { CrmAdvisoryLevel.Error, CrmAdvisoryLevel.Warn, CrmAdvisoryLevel.Info })
        {
            var found = run.Advisories.Where(a => a.Level == level).ToList();
            var label = level.ToString().ToUpperInvariant();
            var fails = level <= options.AdvisoryLevel;
            var list = string.Join("; ", found.Take(5).Select(a => $"{a.Name} {a.Schema}.{a.Object}")) + (found.Count > 5 ? $"; {found.Count - 5} more" : "");
            yield return Check("Advisory" + level, connection.ToString(), $"no {label} advisory", found.Count == 0 ? "none" : $"{found.Count}: {list}",
                found.Count == 0 || !fails,
                found.Count == 0 ? $"No {label} advisory (Supabase's advisors, Get-CrmAdvisory)."
                : fails ? $"{found.Count} {label} advisor{(found.Count == 1 ? "y" : "ies")}: {list}. Get-CrmAdvisory -Level {level} | Format-List shows each with its remediation."
                : $"{found.Count} {label} advisor{(found.Count == 1 ? "y" : "ies")} (reported, not failing: -AdvisoryLevel {options.AdvisoryLevel}): {list}.");
        }
    }

    private static IReadOnlyList<CrmCheckResult> Seed(CrmConnection connection, DatabaseCheckOptions options) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            var results = new List<CrmCheckResult>();
            var now = DateTimeOffset.UtcNow;
            using var flagsCmd = new NpgsqlCommand(SqlText.Get("Operations/checks-objects.sql"), conn, tx);
            bool hasTimeline, populated, hasScoring, hasRules, hasExport, hasRefreshLog, hasRuns, exportPopulated;
            string? scoringOnTestTable;
            using (var r = flagsCmd.ExecuteReader())
            {
                r.Read();
                (hasTimeline, populated, hasScoring, hasRules, hasExport, hasRefreshLog, hasRuns) =
                    (r.GetBoolean(0), r.GetBoolean(1), r.GetBoolean(2), r.GetBoolean(3), r.GetBoolean(4), r.GetBoolean(5), r.GetBoolean(6));
                scoringOnTestTable = r.StringOrNull(7);
                exportPopulated = r.GetBoolean(8);
            }
            var book = Bookkeeping.Bookkeeping.LocateReadable(conn, tx, "Reading CrmOps' refresh log and scoring runs");
            hasRefreshLog = book.RefreshLogTable != null;
            hasRuns = book.ScoringRunsTable != null;

            results.Add(Check("NoMigrationOnTestTable", "public.customers", "no scoring columns", scoringOnTestTable ?? "none",
                scoringOnTestTable is null,
                scoringOnTestTable is null ? "The 3-row test table carries no scoring columns: the seed's mistake is not present."
                    : $"The test table 'customers' has scoring columns ({scoringOnTestTable}): a migration was applied to the wrong table."));

            // Orders and scoring coverage.
            long orders, unlinked, profiles, unscored;
            using (var cmd = new NpgsqlCommand(SqlText.Get("Operations/checks-orders.sql"), conn, tx) { CommandTimeout = 0 })
            using (var r = cmd.ExecuteReader())
            {
                r.Read();
                orders = r.GetInt64(0); unlinked = r.GetInt64(1); profiles = r.GetInt64(2);
            }
            unscored = hasScoring ? Db.Scalar<long>(conn, tx, SqlText.Get("Operations/checks-unscored.sql")) : -1;
            var unlinkedPercent = orders == 0 ? 0m : Math.Round(100m * unlinked / orders, 2);
            results.Add(Check("UnlinkedOrders", "public.customer_orders_v", $"<= {options.MaxUnlinkedPercent}%", $"{unlinked} of {orders} ({unlinkedPercent}%)",
                unlinkedPercent <= options.MaxUnlinkedPercent,
                $"{unlinked:N0} of {orders:N0} orders have an email that links to no customer ({unlinkedPercent}%; allowed {options.MaxUnlinkedPercent}%)."));

            if (!hasTimeline)
                results.Add(Check("TimelineExists", "public.customer_activity_timeline", "exists", "missing", false,
                    "The activity timeline does not exist: apply the built-in migrations (Invoke-CrmMigration -BuiltIn)."));
            else if (!populated)
                results.Add(Check("TimelineExists", "public.customer_activity_timeline", "populated", "not populated", false,
                    "The activity timeline has never been populated: run Invoke-CrmTimelineRefresh."));
            else
            {
                results.Add(Check("TimelineExists", "public.customer_activity_timeline", "populated", "populated", true, "The activity timeline exists and is populated."));
                using var cmd = new NpgsqlCommand(SqlText.Get("Operations/checks-timeline.sql"), conn, tx) { CommandTimeout = 0 };
                using var r = cmd.ExecuteReader();
                r.Read();
                var (rows, customers, linked, linkedCustomers) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
                r.Close();
                results.Add(Check("TimelineCoverage", "public.customer_activity_timeline", $"{linked} activities, {linkedCustomers} customers",
                    $"{rows} activities, {customers} customers", rows == linked && customers == linkedCustomers,
                    rows == linked && customers == linkedCustomers
                        ? $"The timeline holds all {linked:N0} linked orders of {linkedCustomers:N0} customers."
                        : $"The timeline holds {rows:N0} activities of {customers:N0} customers, but {linked:N0} orders of {linkedCustomers:N0} customers link today: refresh it (Invoke-CrmTimelineRefresh)."));
                DateTimeOffset? lastRefresh = null;
                if (hasRefreshLog)
                    using (var c2 = new NpgsqlCommand(SqlText.Fill("Operations/checks-last-refresh.sql", ("refresh_log", book.RefreshLogTable!)), conn, tx))
                        lastRefresh = c2.ExecuteScalar() is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : null;
                var fresh = lastRefresh is { } lr && now - lr <= options.MaxRefreshAge;
                results.Add(Check("TimelineFresh", "public.customer_activity_timeline", $"refreshed within {options.MaxRefreshAge}",
                    lastRefresh?.ToString("u") ?? "never (by CrmOps)", fresh,
                    fresh ? $"Last refreshed {lastRefresh:u}." : lastRefresh is null
                        ? "No refresh is recorded in CrmOps' refresh log: schedule Invoke-CrmTimelineRefresh."
                        : $"Last refreshed {lastRefresh:u}, more than {options.MaxRefreshAge} ago."));
            }

            if (!hasScoring || !hasRules)
                results.Add(Check("EveryProfileScored", "public.customer_profiles", "scored", "scoring not installed", false,
                    "Lead scoring is not installed: apply the built-in migrations (Invoke-CrmMigration -BuiltIn)."));
            else
            {
                results.Add(Check("EveryProfileScored", "public.customer_profiles", "0 unscored", $"{unscored} unscored", unscored == 0,
                    unscored == 0 ? $"All {profiles:N0} profiles have a lead score." : $"{unscored:N0} of {profiles:N0} profiles have no lead score: run Update-CrmLeadScore."));
                DateTimeOffset? asOf = null, scoredAt = null;
                if (hasRuns)
                    using (var c2 = new NpgsqlCommand(SqlText.Fill("Operations/checks-last-scoring.sql", ("scoring_runs", book.ScoringRunsTable!)), conn, tx))
                    using (var r = c2.ExecuteReader())
                        if (r.Read()) { asOf = r.GetFieldValue<DateTimeOffset>(0); scoredAt = r.GetFieldValue<DateTimeOffset>(1); }
                var current = scoredAt is { } s && now - s <= options.MaxScoreAge;
                results.Add(Check("ScoresCurrent", "public.customer_profiles", $"scored within {options.MaxScoreAge}",
                    scoredAt?.ToString("u") ?? "never (by CrmOps)", current,
                    current ? $"Last scoring run at {scoredAt:u} (as of {asOf:u})." : scoredAt is null
                        ? "No scoring run is recorded in CrmOps' scoring runs: run Update-CrmLeadScore."
                        : $"The last scoring run was at {scoredAt:u}, more than {options.MaxScoreAge} ago: scores decay with time."));
                if (asOf is { } at)
                {
                    using var c3 = new NpgsqlCommand(SqlText.Get("Operations/checks-scoring.sql"), conn, tx) { CommandTimeout = 0 };
                    c3.Parameters.AddWithValue("as_of", at);
                    var disagreeing = (long)c3.ExecuteScalar()!;
                    results.Add(Check("ScoresConsistent", "public.customer_profiles", "0 disagreeing", $"{disagreeing} disagreeing", disagreeing == 0,
                        disagreeing == 0 ? $"Every score equals a recomputation as of {at:u}."
                            : $"{disagreeing:N0} scores differ from a recomputation as of {at:u} (changed data or hand edits): run Update-CrmLeadScore."));
                }
            }

            if (hasExport && !exportPopulated)
                results.Add(Check("MarketingExportFresh", "public.customer_marketing_export", $"{profiles} rows", "not populated", false,
                    "The marketing export has never been populated: refresh it (Invoke-CrmTimelineRefresh customer_marketing_export)."));
            else if (hasExport)
            {
                var exportRows = Db.Scalar<long>(conn, tx, SqlText.Get("Operations/checks-export-rows.sql"));
                results.Add(Check("MarketingExportFresh", "public.customer_marketing_export", $"{profiles} rows", $"{exportRows} rows", exportRows == profiles,
                    exportRows == profiles ? "The marketing export covers every profile." : $"The marketing export holds {exportRows:N0} rows for {profiles:N0} profiles: refresh it (Invoke-CrmTimelineRefresh customer_marketing_export)."));
            }
            results.Add(Schema.SchemaDriftCheck.Run(connection, conn, tx));
            return (IReadOnlyList<CrmCheckResult>)results;
        }, "Checking the database");

    private static CrmCheckResult Check(string check, string connection, string expected, string actual, bool passed, string message) =>
        new() { Check = check, Target = connection, Expected = expected, Actual = actual, Passed = passed, Message = message };
}
