using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Migrations;
using Xunit;

namespace CrmOps.Tests.Migrations;

/// <summary>
/// A fact that needs a server: $env:CRMOPS_TEST_PG (build.ps1 Test sets it to a sandbox). Skipped without one,
/// except in CI (CI=true), where a missing server is a failure, never fewer tests passing.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CRMOPS_TEST_PG")) && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "CRMOPS_TEST_PG is not set (build.ps1 Test sets it to a sandbox's connection string).";
    }
}

/// <summary>A theory that needs a server, skipped like <see cref="PostgresFactAttribute"/>.</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CRMOPS_TEST_PG")) && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = "CRMOPS_TEST_PG is not set (build.ps1 Test sets it to a sandbox's connection string).";
    }
}

/// <summary>The engine against a real server: each test gets a fresh database and a temp migration folder.</summary>
public sealed class MigrationEngineTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crmops-engine-" + Guid.NewGuid().ToString("N"));
    private readonly string _dbName = "crmops_x_" + Guid.NewGuid().ToString("N")[..12];
    private CrmConnection? _admin;
    private CrmConnection? _db;

    private CrmConnection Db
    {
        get
        {
            if (_db != null) return _db;
            var cs = Environment.GetEnvironmentVariable("CRMOPS_TEST_PG")!;
            _admin = ConnectionFactory.Connect(cs);
            Exec(_admin, $"create database {_dbName}");
            var b = ConnectionStringParser.Parse(cs);
            b.Database = _dbName;
            _db = ConnectionFactory.Connect(b);
            return _db;
        }
    }

    private static void Exec(CrmConnection c, string sql)
    {
        using var conn = c.Open();
        using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(CrmConnection c, string sql)
    {
        using var conn = c.Open();
        using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
        return cmd.ExecuteScalar();
    }

    private void Write(string folder, string name, string text)
    {
        Directory.CreateDirectory(Path.Combine(_root, folder));
        File.WriteAllText(Path.Combine(_root, folder, name), text);
    }

    public void Dispose()
    {
        _db?.Dispose();
        if (_admin != null) { try { Exec(_admin, $"drop database if exists {_dbName} with (force)"); } catch { } _admin.Dispose(); }
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    [PostgresFact]
    public void HardSplitterCasesRunOnTheServerExactlyAsWritten()
    {
        Write("migrations", "20250101000000_corpus.sql", """
            -- crmops:require-rows pg_catalog.pg_class > 10
            create table "semi;colon" (id int, note text default 'a;b');
            insert into "semi;colon" values (1, E'it\'s; escaped'), (2, 'it''s; doubled');
            /* a /* nested; */ comment; */
            create function plpgsql_one() returns int language plpgsql as $fn$
            begin
              perform 1; -- ; inside
              return 1;
            end;
            $fn$;
            create function atomic_two() returns int language sql
            begin atomic
              select case when true then 2 else 0 end;
            end;
            comment on table "semi;colon" is $$a $ b; c$$;
            """);
        Write("rollbacks", "20250101000000_corpus.sql", "drop function atomic_two();\ndrop function plpgsql_one();\ndrop table \"semi;colon\";\n");
        Write("verify", "20250101000000_corpus.sql", "select count(*) = 2 from \"semi;colon\";\nselect plpgsql_one() + atomic_two() = 3;\nselect (select note from \"semi;colon\" where id = 1) = 'it''s; escaped';\n");
        var set = MigrationSet.Load(_root);
        Assert.Empty(set.Problems);
        Assert.Equal(5, set.Migrations[0].Statements.Count);

        var results = MigrationRunner.Apply(Db, set, new MigrationOptions(), new NullHost()).ToList();
        Assert.Equal(CrmMigrationStatus.Applied, Assert.Single(results).Status);
        Assert.Equal(CrmMigrationState.Applied, MigrationStatus.Get(Db, set).Single().State);

        var checks = MigrationValidator.Validate(Db, set);
        Assert.All(checks, c => Assert.True(c.Passed, c.Message));

        results = MigrationRunner.Undo(Db, set, new MigrationOptions(), new NullHost()).ToList();
        Assert.Equal(CrmMigrationStatus.RolledBack, Assert.Single(results).Status);
        Assert.Equal(false, Scalar(Db, "select to_regclass('public.\"semi;colon\"') is not null"));

        var rt = MigrationRehearsal.RoundTrip(Db, set, new MigrationOptions(), new NullHost());
        Assert.True(Assert.Single(rt).Passed);
    }

    [PostgresFact]
    public void SupabaseHistoryGetsTheSameRows()
    {
        Exec(Db, "create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text)");
        Write("migrations", "20250101000000_a.sql", "create table a (id int);\ncreate index a_id on a (id);\n");
        Write("rollbacks", "20250101000000_a.sql", "drop table a;");
        var set = MigrationSet.Load(_root);
        _ = MigrationRunner.Apply(Db, set, new MigrationOptions(), new NullHost()).ToList();
        Assert.Equal("a|2", Scalar(Db, "select name || '|' || cardinality(statements) from supabase_migrations.schema_migrations where version = '20250101000000'"));
        _ = MigrationRunner.Undo(Db, set, new MigrationOptions(), new NullHost()).ToList();
        Assert.Equal(0L, Scalar(Db, "select count(*) from supabase_migrations.schema_migrations"));
        // The ledger says applied again after CrmOps rolled it back: the two disagree, and nothing guesses.
        Exec(Db, "insert into supabase_migrations.schema_migrations (version, name) values ('20250101000000', 'a')");
        var m = MigrationStatus.Get(Db, set).Single();
        Assert.Equal(CrmMigrationState.Conflict, m.State);
        Assert.Equal((CrmHistoryState.RolledBack, CrmLedgerState.Present), (m.History, m.Ledger));
        Assert.Equal(2, m.Resolution.Length);
        // A version that only Supabase's CLI recorded (CrmOps never ran it) counts as applied.
        Write("migrations", "20250101000001_b.sql", "create table b (id int);");
        Exec(Db, "insert into supabase_migrations.schema_migrations (version, name) values ('20250101000001', 'b')");
        Assert.Equal(CrmMigrationState.Applied, MigrationStatus.Get(Db, MigrationSet.Load(_root)).Single(x => x.Version == "20250101000001").State);
    }

    [PostgresFact]
    public void RequirementIsCheckedBeforeAnythingRuns()
    {
        Exec(Db, "create table customers (id int); insert into customers values (1), (2), (3)");
        Write("migrations", "20250101000000_first.sql", "create table first_one (id int);");
        Write("migrations", "20250101000001_guarded.sql", "-- crmops:require-rows customers >= 1000\nalter table customers add column lead_score int;");
        var set = MigrationSet.Load(_root);
        var ex = Assert.Throws<CrmException>(() => MigrationRunner.Apply(Db, set, new MigrationOptions(), new NullHost()).ToList());
        Assert.Equal("MigrationRequirementFailed", ex.ErrorId);
        Assert.Contains("has 3 row(s)", ex.Message);
        Assert.Equal(false, Scalar(Db, "select to_regclass('public.first_one') is not null")); // the unguarded first one did not run either
    }
}
