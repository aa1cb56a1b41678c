using Npgsql;

namespace CrmOps.Tests.Sandbox;

/// <summary>
/// A throw-away database on the server named by CRMOPS_TEST_PG (e.g.
/// "Host=127.0.0.1;Port=56101;Username=crmops;Database=postgres"). Throws when the variable is unset,
/// so a database test can never pass without a database.
/// </summary>
internal sealed class SampleDatabase : IDisposable
{
    private readonly string _admin;
    public string Name { get; }
    public string ConnectionString { get; }

    private SampleDatabase(string admin)
    {
        _admin = admin;
        Name = "crmops_test_" + Guid.NewGuid().ToString("N")[..12];
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = Name, Pooling = false }.ConnectionString;
        using var conn = new NpgsqlConnection(admin);
        conn.Open();
        using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", conn);
        cmd.ExecuteNonQuery();
    }

    public static SampleDatabase Create()
    {
        var admin = Environment.GetEnvironmentVariable("CRMOPS_TEST_PG");
        if (string.IsNullOrWhiteSpace(admin))
            throw new InvalidOperationException(
                "CRMOPS_TEST_PG is not set: database tests need a server. Run them with 'dotnet pwsh ./build.ps1 Test', which starts one.");
        return new SampleDatabase(admin);
    }

    public NpgsqlConnection Open()
    {
        var conn = new NpgsqlConnection(ConnectionString);
        conn.Open();
        return conn;
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("CRMOPS_BENCH_KEEP") == "1") return; // keep for inspection
        using var conn = new NpgsqlConnection(_admin);
        conn.Open();
        using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
        cmd.ExecuteNonQuery();
    }
}
