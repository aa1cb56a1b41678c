using CrmOps.Connections;
using CrmOps.Hosting;
using CrmOps.Migrations;
using CrmOps.Sandbox;
using CrmOps.Tests.Sandbox;
using Npgsql;

namespace CrmOps.Tests.Operations;

/// <summary>
/// A sample CRM of 600 customers with the built-in migrations applied, on the server of CRMOPS_TEST_PG; one per test
/// class (xunit class fixture). Verification goes through plain Npgsql queries written in the tests, never through
/// the code under test.
/// </summary>
public sealed class OperationsDatabase : IDisposable
{
    public const int Customers = 600;
    private readonly SampleDatabase _db;

    public OperationsDatabase()
    {
        _db = SampleDatabase.Create();
        using (var conn = _db.Open())
            SampleDataLoader.Load(conn, Customers, seed: 7);
        Connection = ConnectionFactory.Connect(_db.ConnectionString);
        var set = MigrationSet.Load(BuiltInMigrations);
        var applied = MigrationRunner.Apply(Connection, set, new MigrationOptions(), new NullHost()).ToList();
        if (applied.Count != Directory.GetFiles(Path.Combine(BuiltInMigrations, "migrations"), "*.sql").Length || applied.Any(r => r.Status != CrmMigrationStatus.Applied))
            throw new InvalidOperationException("The built-in migrations did not apply: " + string.Join("; ", applied.Select(r => $"{r.Name} {r.Status} {r.Message}")));
    }

    public CrmConnection Connection { get; }

    /// <summary>The test database's connection string (no password: trust on loopback).</summary>
    public string ConnectionString => _db.ConnectionString;

    /// <summary>module/migrations of this repository (found upward from the test binaries).</summary>
    public static string BuiltInMigrations
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "module", "migrations");
                if (Directory.Exists(Path.Combine(candidate, "migrations"))) return candidate;
            }
            throw new DirectoryNotFoundException("module/migrations not found above " + AppContext.BaseDirectory);
        }
    }

    public NpgsqlConnection Open() => _db.Open();

    public object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var conn = _db.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd.ExecuteScalar();
    }

    public long Count(string sql, params (string Name, object Value)[] parameters) => Convert.ToInt64(Scalar(sql, parameters), System.Globalization.CultureInfo.InvariantCulture);

    public void Exec(string sql) => Scalar(sql);

    public List<string> Rows(string sql, params (string Name, object Value)[] parameters)
    {
        using var conn = _db.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        using var r = cmd.ExecuteReader();
        var rows = new List<string>();
        while (r.Read()) rows.Add(string.Join("|", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    /// <summary>
    /// The spec's RFM rules, written here (crm-database.md, "Lead scoring"), as a query of (id, score, r, f, m) as of @asof:
    /// lead_score = 3R + 2F + M; R by days since the last order (within 30/60/90/180: 5/4/3/2, else or none 1),
    /// F by lifetime orders (10/5/3/1 or more: 5/4/3/2, else 1), M by lifetime net (1000/500/200/50 or more: 5/4/3/2, else 1).
    /// </summary>
    public const string RulesSql = """
        SELECT p.id, 3 * x.r + 2 * x.f + x.m AS score, x.r, x.f, x.m
          FROM customer_profiles p
          LEFT JOIN customer_engagement_metrics e ON e.customer_id = p.id
         CROSS JOIN LATERAL (SELECT
                CASE WHEN e.last_order_at IS NULL THEN 1
                     WHEN e.last_order_at >= @asof - interval '30 days' THEN 5
                     WHEN e.last_order_at >= @asof - interval '60 days' THEN 4
                     WHEN e.last_order_at >= @asof - interval '90 days' THEN 3
                     WHEN e.last_order_at >= @asof - interval '180 days' THEN 2 ELSE 1 END AS r,
                CASE WHEN coalesce(e.lifetime_orders, 0) >= 10 THEN 5 WHEN e.lifetime_orders >= 5 THEN 4
                     WHEN e.lifetime_orders >= 3 THEN 3 WHEN e.lifetime_orders >= 1 THEN 2 ELSE 1 END AS f,
                CASE WHEN coalesce(e.lifetime_net, 0) >= 1000 THEN 5 WHEN e.lifetime_net >= 500 THEN 4
                     WHEN e.lifetime_net >= 200 THEN 3 WHEN e.lifetime_net >= 50 THEN 2 ELSE 1 END AS m) x
        """;

    /// <summary>Customers whose stored score or components differ from the rules as of @asof.</summary>
    public long Disagreeing(DateTimeOffset asOf) => Count($"""
        SELECT count(*) FROM ({RulesSql}) w JOIN customer_profiles p ON p.id = w.id
         WHERE (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary) IS DISTINCT FROM (w.score, w.r, w.f, w.m)
        """, ("asof", asOf));

    /// <summary>Customers whose score as of <paramref name="a"/> differs from their score as of <paramref name="b"/>, by the rules.</summary>
    public long ScoreChangesBetween(DateTimeOffset a, DateTimeOffset b) => Count($"""
        SELECT count(*) FROM ({RulesSql.Replace("@asof", "@a")}) x JOIN ({RulesSql.Replace("@asof", "@b")}) y ON y.id = x.id
         WHERE (x.score, x.r, x.f, x.m) IS DISTINCT FROM (y.score, y.r, y.f, y.m)
        """, ("a", a), ("b", b));

    public string ScoreDigest() => (string)Scalar("SELECT md5(string_agg(concat_ws(',', id, lead_score, rfm_recency, rfm_frequency, rfm_monetary, last_scored_at), ';' ORDER BY id)) FROM customer_profiles")!;

    public void Dispose()
    {
        Connection.Dispose();
        _db.Dispose();
    }
}

/// <summary>A host that declines every change (a user answering No), and records what it was asked.</summary>
public sealed class DecliningHost : ICrmHost
{
    public List<string> Asked { get; } = [];
    public List<string> Warnings { get; } = [];
    public void WriteVerbose(string message) { }
    public void WriteWarning(string message) => Warnings.Add(message);
    public void WriteError(Errors.CrmException exception) => throw exception;
    public void WriteProgress(string activity, string status, int percent) { }
    public bool ShouldProcess(string target, string action) { Asked.Add($"{action} | {target}"); return false; }
    public bool IsWhatIf => false;
    public CancellationToken Cancellation => CancellationToken.None;
}
