using CrmOps.Connections;
using CrmOps.Hosting;
using CrmOps.Operations;
using CrmOps.Tests.Migrations;
using Xunit;

namespace CrmOps.Tests.Operations;

/// <summary>LeadReports against a real server; every figure is compared with a query written here.</summary>
public sealed class LeadReportsTests : IClassFixture<OperationsDatabase>
{
    private readonly OperationsDatabase _db;

    public LeadReportsTests(OperationsDatabase db)
    {
        _db = db;
        LeadScorer.Update(db.Connection, new ScoringOptions { AsOf = new DateTimeOffset(2025, 10, 15, 0, 0, 0, TimeSpan.Zero), Full = true }, new NullHost());
        TimelineRefresher.Refresh(db.Connection, TimelineRefresher.DefaultView, new RefreshOptions(), new NullHost());
    }

    private static readonly int[] SegmentEdges = [24, 18, 12, 11];
    private const string Ordered = "ORDER BY p.lead_score DESC, m.lifetime_net DESC NULLS LAST, p.id";

    [Fact]
    public void ScoresOfSegmentsAndMinimum()
    {
        Assert.Equal(Enumerable.Range(6, 25).Reverse(), LeadReports.Scores(null, null));
        Assert.Equal([30, 29, 28, 27, 26], LeadReports.Scores([CrmSegment.Hot], 26));
        Assert.Equal([23, 22, 21, 20, 19, 18, 11, 10, 9, 8, 7, 6], LeadReports.Scores([CrmSegment.Cold, CrmSegment.Warm], null));
        Assert.Equal([CrmSegment.Hot, CrmSegment.Warm, CrmSegment.Cool, CrmSegment.Cold], SegmentEdges.Select(LeadReports.SegmentOf));
    }

    [PostgresFact]
    public void DistributionCountsEverySegment()
    {
        var d = LeadReports.Distribution(_db.Connection);
        Assert.Equal([CrmSegment.Hot, CrmSegment.Warm, CrmSegment.Cool, CrmSegment.Cold], d.Select(s => s.Segment));
        Assert.Equal(_db.Count("SELECT count(*) FROM customer_profiles WHERE lead_score >= 24"), d[0].Customers);
        Assert.Equal(_db.Count("SELECT count(*) FROM customer_profiles WHERE lead_score BETWEEN 18 AND 23"), d[1].Customers);
        Assert.Equal(_db.Count("SELECT count(*) FROM customer_profiles WHERE lead_score BETWEEN 12 AND 17"), d[2].Customers);
        Assert.Equal(_db.Count("SELECT count(*) FROM customer_profiles WHERE lead_score < 12"), d[3].Customers);
        Assert.Equal(OperationsDatabase.Customers, d.Sum(s => s.Customers));
    }

    [PostgresFact]
    public void LeadsComeBestFirstWithTopAndMinScore()
    {
        var expected = _db.Rows($"SELECT p.id, p.lead_score FROM customer_profiles p LEFT JOIN customer_engagement_metrics m ON m.customer_id = p.id WHERE p.lead_score >= 15 {Ordered} LIMIT 40");
        var leads = LeadReports.Leads(_db.Connection, null, 15, 40).ToList();
        Assert.Equal(expected, leads.Select(l => $"{l.CustomerId}|{l.LeadScore}"));
        Assert.All(leads, l => Assert.Equal(LeadReports.SegmentOf(l.LeadScore), l.Segment));
        var cool = LeadReports.Leads(_db.Connection, [CrmSegment.Cool], null, null).ToList();
        Assert.Equal(_db.Count("SELECT count(*) FROM customer_profiles WHERE lead_score BETWEEN 12 AND 17"), cool.Count);
    }

    [PostgresFact]
    public void ExportOutlastsTheConnectionsCommandTimeout()
    {
        // COPY's first row comes after its query has waited and sorted; Npgsql times COPY reads by the connection
        // string's Command Timeout. Here the query waits 2.5 s for a lock, past a Command Timeout of 1 s.
        var connection = ConnectionFactory.Connect(_db.ConnectionString + ";Command Timeout=1");
        var path = Path.Combine(Path.GetTempPath(), $"crmops-xunit-{Guid.NewGuid():N}.csv");
        using var holder = _db.Open();
        using var tx = holder.BeginTransaction();
        using (var lockCmd = new Npgsql.NpgsqlCommand("LOCK TABLE customer_profiles IN ACCESS EXCLUSIVE MODE", holder, tx)) lockCmd.ExecuteNonQuery();
        var release = Task.Run(async () => { await Task.Delay(2500); tx.Commit(); });
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var rows = LeadReports.ExportLeads(connection, null, null, null, path);
            release.Wait();
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(2), $"the export waited for the lock ({clock.Elapsed})");
            Assert.Equal(_db.Count("SELECT count(*) FROM customer_profiles"), rows);
            Assert.Equal(rows + 1, File.ReadAllLines(path).Length);
        }
        finally { release.Wait(); File.Delete(path); }
    }

    [PostgresFact]
    public void AClientTimeoutIsNamedAsSuchNotAsALostConnection()
    {
        var connection = ConnectionFactory.Connect(_db.ConnectionString + ";Command Timeout=7");
        var error = CrmOps.Connections.Db.Translate(new Npgsql.NpgsqlException("Exception while reading from stream", new TimeoutException()), connection, "Exporting leads");
        Assert.Equal("CommandTimeout", error.ErrorId);
        Assert.Contains("Command Timeout (7 s)", error.Message, StringComparison.Ordinal);
    }

    [PostgresFact]
    public void ExportWritesTheSameLeadsAsACsvFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crmops-xunit-{Guid.NewGuid():N}.csv");
        try
        {
            var rows = LeadReports.ExportLeads(_db.Connection, [CrmSegment.Warm, CrmSegment.Cool], null, null, path);
            var expected = _db.Rows($"SELECT p.id FROM customer_profiles p LEFT JOIN customer_engagement_metrics m ON m.customer_id = p.id WHERE p.lead_score BETWEEN 12 AND 23 {Ordered}");
            Assert.Equal(expected.Count, rows);
            var lines = File.ReadAllLines(path);
            Assert.Equal("CustomerId,FullName,Email,LeadScore,Segment,Recency,Frequency,Monetary,LifetimeOrders,LifetimeNet,LastOrderAt,LastScoredAt,ScoredAsOf", lines[0].Replace("\"", "", StringComparison.Ordinal));
            Assert.Equal(expected, lines.Skip(1).Select(l => l.Split(',')[0]));
            Assert.False(File.Exists(path + ".partial"));
        }
        finally { File.Delete(path); }
    }

    [PostgresFact]
    public void TimelineNewestFirstAndLast()
    {
        var id = (Guid)_db.Scalar("SELECT customer_id FROM customer_activity_timeline GROUP BY customer_id ORDER BY count(*) DESC, customer_id LIMIT 1")!;
        var all = LeadReports.Timeline(_db.Connection, id, null).ToList();
        Assert.Equal(_db.Count($"SELECT count(*) FROM customer_activity_timeline WHERE customer_id = '{id}'"), all.Count);
        Assert.True(all.Count >= 2, "the busiest customer has several activities");
        Assert.Equal(all.Select(a => a.CreatedAt.Value).OrderByDescending(t => t), all.Select(a => a.CreatedAt.Value));
        var last = LeadReports.Timeline(_db.Connection, id, 1).Single();
        Assert.Equal(all[0].CreatedAt.Value, last.CreatedAt.Value);
    }
}
