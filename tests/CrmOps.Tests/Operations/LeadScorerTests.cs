using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Operations;
using CrmOps.Tests.Migrations;
using Xunit;

namespace CrmOps.Tests.Operations;

/// <summary>LeadScorer against a real server, checked customer by customer against the rules written in the test.</summary>
public sealed class LeadScorerTests(OperationsDatabase db) : IClassFixture<OperationsDatabase>
{
    private static readonly DateTimeOffset AsOf = new(2025, 10, 15, 0, 0, 0, TimeSpan.Zero);

    private CrmScoringResult Score(DateTimeOffset asOf, bool full = false, IReadOnlyCollection<Guid>? ids = null, int batchSize = 100_000) =>
        LeadScorer.Update(db.Connection, new ScoringOptions { AsOf = asOf, Full = full, CustomerIds = ids, BatchSize = batchSize }, new NullHost())
        ?? throw new InvalidOperationException("NullHost never declines");

    [PostgresFact]
    public void FullRunInSmallBatchesScoresEveryCustomerByTheRules()
    {
        var r = Score(AsOf, full: true, batchSize: 100);
        Assert.Equal(CrmScoringMode.Full, r.Mode);
        Assert.Equal(OperationsDatabase.Customers, r.Customers);
        Assert.Equal(0, db.Disagreeing(AsOf));
        Assert.Equal(r.Customers, r.Hot + r.Warm + r.Cool + r.Cold);
        Assert.Equal(db.Count("SELECT count(*) FROM customer_profiles WHERE lead_score >= 24"), r.Hot);
        Assert.Equal(db.Count("SELECT count(*) FROM customer_profiles WHERE lead_score < 12"), r.Cold);
        Assert.True(db.Count("SELECT count(*) FROM supabase_migrations.crmops_scoring_runs WHERE as_of = @a AND mode = 'Full'", ("a", AsOf)) >= 1, "the run is recorded in supabase_migrations.crmops_scoring_runs");
        // A second full run as of the same instant changes nothing.
        Assert.Equal(0, Score(AsOf, full: true).Changed);
    }

    [PostgresFact]
    public void LaterRunTargetsOnlyCustomersWhoseBandCanHaveChangedAndChangesExactlyThose()
    {
        Score(AsOf, full: true);
        var later = AsOf.AddDays(45);
        var expected = db.ScoreChangesBetween(AsOf, later);
        Assert.True(expected > 0, "45 days later some recency bands must have changed");
        var r = Score(later);
        Assert.Equal(CrmScoringMode.Targeted, r.Mode);
        Assert.True(r.Examined < OperationsDatabase.Customers, $"examined {r.Examined} of {OperationsDatabase.Customers}");
        Assert.Equal(expected, r.Changed);
        Assert.Equal(0, db.Disagreeing(later));
    }

    [PostgresFact]
    public void WhatIfCountsTheChangesAndWritesNothing()
    {
        Score(AsOf, full: true);
        var before = db.ScoreDigest();
        var runs = db.Count("SELECT count(*) FROM supabase_migrations.crmops_scoring_runs");
        var later = AsOf.AddDays(90);
        var plan = LeadScorer.Update(db.Connection, new ScoringOptions { AsOf = later }, new NullHost(whatIf: true));
        Assert.NotNull(plan);
        Assert.True(plan.WhatIf);
        Assert.Equal(db.ScoreChangesBetween(AsOf, later), plan.Changed);
        Assert.Equal(before, db.ScoreDigest());
        Assert.Equal(runs, db.Count("SELECT count(*) FROM supabase_migrations.crmops_scoring_runs"));
    }

    [PostgresFact]
    public void DeclinedRunReturnsNullAndWritesNothing()
    {
        Score(AsOf, full: true);
        var before = db.ScoreDigest();
        var host = new DecliningHost();
        Assert.Null(LeadScorer.Update(db.Connection, new ScoringOptions { AsOf = AsOf.AddDays(90), Full = true }, host));
        Assert.Contains(host.Asked, a => a.Contains("Recalculate lead scores", StringComparison.Ordinal));
        Assert.Equal(before, db.ScoreDigest());
    }

    [PostgresFact]
    public void CustomerIdsScoreOnlyThoseCustomers()
    {
        Score(AsOf, full: true);
        var ids = db.Rows("SELECT id FROM customer_profiles ORDER BY id LIMIT 3").Select(Guid.Parse).ToArray();
        // Score-only writes: the profile trigger leaves them alone.
        db.Exec($"UPDATE customer_profiles SET lead_score = NULL, rfm_recency = NULL, rfm_frequency = NULL, rfm_monetary = NULL WHERE id IN ('{ids[0]}', '{ids[1]}', '{ids[2]}')");
        var r = Score(AsOf, ids: [ids[0], ids[1]]);
        Assert.Equal(CrmScoringMode.Customers, r.Mode);
        Assert.Equal(2, r.Changed);
        Assert.Equal(0, db.Count($"SELECT count(*) FROM customer_profiles WHERE id IN ('{ids[0]}', '{ids[1]}') AND lead_score IS NULL"));
        Assert.Equal(1, db.Count($"SELECT count(*) FROM customer_profiles WHERE id = '{ids[2]}' AND lead_score IS NULL"));
        Score(AsOf, full: true);
        Assert.Equal(0, db.Disagreeing(AsOf));
    }

    [PostgresFact]
    public void CancelledRunStopsAndLeavesEveryScoreAsItWas()
    {
        Score(AsOf, full: true);
        var before = db.ScoreDigest();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var ex = Assert.ThrowsAny<Exception>(() => LeadScorer.Update(db.Connection, new ScoringOptions { AsOf = AsOf.AddDays(90), Full = true }, new NullHost(cancellation: cts.Token)));
        Assert.True(ex is OperationCanceledException or CrmException { Kind: CrmErrorKind.OperationStopped }, ex.GetType().Name + ": " + ex.Message);
        Assert.Equal(before, db.ScoreDigest());
    }

    [PostgresTheory]
    [InlineData(1900, 100_000, "ScoringAsOfOutOfRange")]
    [InlineData(2025, 50, "ScoringBatchSizeOutOfRange")]
    public void RefusesOutOfRangeOptions(int year, int batchSize, string errorId)
    {
        var before = db.ScoreDigest();
        var ex = Assert.Throws<CrmException>(() => LeadScorer.Update(db.Connection, new ScoringOptions { AsOf = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero), BatchSize = batchSize }, new NullHost()));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(CrmErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(before, db.ScoreDigest());
    }
}
