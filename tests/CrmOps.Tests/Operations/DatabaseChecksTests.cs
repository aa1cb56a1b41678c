using CrmOps.Hosting;
using CrmOps.Operations;
using CrmOps.Tests.Migrations;
using Xunit;

namespace CrmOps.Tests.Operations;

/// <summary>DatabaseChecks against a real server: healthy, then each option's bar and a broken score seen failing.</summary>
public sealed class DatabaseChecksTests : IClassFixture<OperationsDatabase>
{
    private static readonly DateTimeOffset AsOf = new(2025, 10, 15, 0, 0, 0, TimeSpan.Zero);
    private readonly OperationsDatabase _db;

    public DatabaseChecksTests(OperationsDatabase db)
    {
        _db = db;
        // Refreshed and scored just now: the healthy state every test starts from.
        TimelineRefresher.Refresh(db.Connection, TimelineRefresher.DefaultView, new RefreshOptions(), new NullHost());
        LeadScorer.Update(db.Connection, new ScoringOptions { AsOf = AsOf, Full = true }, new NullHost());
    }

    private Dictionary<string, CrmCheckResult> Run(DatabaseCheckOptions? options = null) =>
        DatabaseChecks.Run(_db.Connection, options ?? new DatabaseCheckOptions(), new NullHost()).ToDictionary(c => c.Check);

    private static void AssertFailing(Dictionary<string, CrmCheckResult> checks, params string[] failing) =>
        Assert.Equal(failing.Order(), checks.Values.Where(c => !c.Passed).Select(c => c.Check).Order());

    [PostgresFact]
    public void AHealthyCrmPassesAllThirteenChecks()
    {
        var checks = Run();
        Assert.Equal(
            ["AdvisoryError", "AdvisoryInfo", "AdvisoryWarn", "EveryProfileScored", "MarketingExportFresh", "NoMigrationOnTestTable", "SchemaMatchesMigrations", "ScoresConsistent", "ScoresCurrent", "TimelineCoverage", "TimelineExists", "TimelineFresh", "UnlinkedOrders"],
            checks.Keys.Order());
        AssertFailing(checks);
        Assert.Equal($"{OperationsDatabase.Customers} rows", checks["MarketingExportFresh"].Actual);
        Assert.Equal("0 disagreeing", checks["ScoresConsistent"].Actual);
    }

    [PostgresFact]
    public void UnlinkedOrdersFailsAboveItsBar()
    {
        _db.Exec("INSERT INTO orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at) VALUES ('xunit-unlinked-1', 'ev', 'Unit night', 'nobody@example.invalid', 'No', 'Body', 10, 9, 'completed', '2025-10-01')");
        try
        {
            var unlinked = _db.Count("SELECT count(*) FROM customer_orders_v o WHERE NOT EXISTS (SELECT 1 FROM customer_emails ce WHERE lower(ce.email) = o.email)");
            var orders = _db.Count("SELECT count(*) FROM customer_orders_v");
            var checks = Run(new DatabaseCheckOptions { MaxUnlinkedPercent = 0 });
            AssertFailing(checks, "UnlinkedOrders");
            Assert.StartsWith($"{unlinked} of {orders} (", checks["UnlinkedOrders"].Actual, StringComparison.Ordinal);
            AssertFailing(Run(new DatabaseCheckOptions { MaxUnlinkedPercent = 100 }));
        }
        finally { _db.Exec("DELETE FROM orders_htx WHERE order_id = 'xunit-unlinked-1'"); }
    }

    [PostgresFact]
    public void ScoresCurrentAndTimelineFreshFailWhenOlderThanTheirBars()
    {
        _db.Exec("UPDATE supabase_migrations.crmops_scoring_runs SET started_at = started_at - interval '2 hours'");
        _db.Exec("UPDATE supabase_migrations.crmops_refresh_log SET started_at = started_at - interval '2 hours'");
        try
        {
            AssertFailing(Run(new DatabaseCheckOptions { MaxScoreAge = TimeSpan.FromHours(1) }), "ScoresCurrent");
            AssertFailing(Run(new DatabaseCheckOptions { MaxRefreshAge = TimeSpan.FromHours(1) }), "TimelineFresh");
            AssertFailing(Run(new DatabaseCheckOptions { MaxScoreAge = TimeSpan.FromHours(3), MaxRefreshAge = TimeSpan.FromHours(3) }));
        }
        finally
        {
            _db.Exec("UPDATE supabase_migrations.crmops_scoring_runs SET started_at = started_at + interval '2 hours'");
            _db.Exec("UPDATE supabase_migrations.crmops_refresh_log SET started_at = started_at + interval '2 hours'");
        }
    }

    [PostgresFact]
    public void ScoresConsistentFailsOnAHandEditedScore()
    {
        var id = (Guid)_db.Scalar("SELECT id FROM customer_profiles WHERE lead_score < 30 ORDER BY id LIMIT 1")!;
        _db.Exec($"UPDATE customer_profiles SET lead_score = lead_score + 1 WHERE id = '{id}'");
        try
        {
            var checks = Run();
            AssertFailing(checks, "ScoresConsistent");
            Assert.Equal("1 disagreeing", checks["ScoresConsistent"].Actual);
            Assert.Equal(1, _db.Disagreeing(AsOf));
        }
        finally { _db.Exec($"UPDATE customer_profiles SET lead_score = lead_score - 1 WHERE id = '{id}'"); }
    }

    [PostgresFact]
    public void NoMigrationOnTestTableFailsWhenTheTestTableGetsScoringColumns()
    {
        _db.Exec("ALTER TABLE customers ADD COLUMN lead_score integer");
        try
        {
            var checks = Run();
            // A column added by hand is also drift from the snapshot the built-in migrations recorded.
            AssertFailing(checks, "NoMigrationOnTestTable", "SchemaMatchesMigrations");
            Assert.Equal("lead_score", checks["NoMigrationOnTestTable"].Actual);
        }
        finally { _db.Exec("ALTER TABLE customers DROP COLUMN lead_score"); }
    }

    [PostgresFact]
    public void AdvisoryChecksFailAtOrAboveTheirLevel()
    {
        // The healthy CRM has INFO advisories only (splinter's unindexed_foreign_keys on orders): reported, failing from AdvisoryLevel Info.
        var info = Run()["AdvisoryInfo"];
        Assert.True(info.Passed);
        Assert.Contains("unindexed_foreign_keys public.orders", info.Actual, StringComparison.Ordinal);
        AssertFailing(Run(new DatabaseCheckOptions { AdvisoryLevel = CrmAdvisoryLevel.Info }), "AdvisoryInfo");

        // splinter 0011 (WARN): a function without a fixed search_path; 0007 (ERROR): a policy on a table whose RLS is off.
        _db.Exec("CREATE FUNCTION public.xunit_mutable() RETURNS int LANGUAGE sql AS 'SELECT 1'");
        _db.Exec("CREATE POLICY xunit_policy ON public.customers FOR SELECT USING (true)");
        try
        {
            // The function and the policy are also drift from the schema the built-in migrations left.
            var checks = Run();
            // The function and the policy, made by hand, are also drift from the snapshot the built-in migrations recorded.
            AssertFailing(checks, "AdvisoryError", "AdvisoryWarn", "SchemaMatchesMigrations");
            Assert.Contains("policy_exists_rls_disabled public.customers", checks["AdvisoryError"].Actual, StringComparison.Ordinal);
            Assert.Contains("function_search_path_mutable public.xunit_mutable", checks["AdvisoryWarn"].Actual, StringComparison.Ordinal);
            AssertFailing(Run(new DatabaseCheckOptions { AdvisoryLevel = CrmAdvisoryLevel.Error }), "AdvisoryError", "SchemaMatchesMigrations");
        }
        finally
        {
            _db.Exec("DROP POLICY xunit_policy ON public.customers");
            _db.Exec("DROP FUNCTION public.xunit_mutable()");
        }
        AssertFailing(Run());
    }
}
