using CrmOps.Connections;
using CrmOps.Hosting;
using CrmOps.Migrations;
using CrmOps.Schema;
using CrmOps.Tests.Migrations;
using Xunit;

namespace CrmOps.Tests.Schema;

/// <summary>Snapshots read from a real server, and the engine's hook that records them.</summary>
public sealed class SchemaSnapshotTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crmops-schema-" + Guid.NewGuid().ToString("N"));
    private readonly string _dbName = "crmops_s_" + Guid.NewGuid().ToString("N")[..12];
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
        if (_admin != null) { try { Exec(_admin, $"drop database if exists {_dbName} with (force)"); } catch (Npgsql.NpgsqlException) { } _admin.Dispose(); }
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    [PostgresFact]
    public void ReadsEveryKindWithPostgresDefinitionsQualifiedAndRestoresSearchPath()
    {
        var reader = "crmops_s_" + Guid.NewGuid().ToString("N")[..8];
        Exec(Db, $"""
            create schema app;
            create type app.mood as enum ('ok', 'meh');
            create domain app.pct as int check (value between 0 and 100);
            create sequence app.counter start 5;
            create table app.t (id serial primary key, m app.mood not null default 'ok', p app.pct, note text collate "C");
            create index t_m on app.t (m) where note is not null;
            create view app.v as select id, m from app.t;
            create materialized view app.mv as select count(*) as n from app.t;
            create function app.f(x int) returns int language sql immutable as 'select x + 1';
            create function app.trg() returns trigger language plpgsql as $$ begin return new; end $$;
            create trigger t_trg before insert on app.t for each row execute function app.trg();
            alter table app.t enable row level security;
            create policy p_read on app.t for select using (id > 0);
            create role {reader};
            grant select on app.t to {reader};
            comment on table app.t is 'Things';
            """);
        using var conn = Db.Open();
        using var tx = conn.BeginTransaction();
        using (var set = new Npgsql.NpgsqlCommand("set local search_path = app, public", conn, tx)) set.ExecuteNonQuery();
        var s = SchemaSnapshot.Take(conn, tx);
        using (var show = new Npgsql.NpgsqlCommand("show search_path", conn, tx)) Assert.Equal("app, public", show.ExecuteScalar());
        tx.Rollback();

        SchemaObject Get(CrmSchemaObjectType t, string name) => s.ByKey[SchemaObject.KeyOf(t, name)];
        Assert.Equal("'ok', 'meh'", Get(CrmSchemaObjectType.Type, "app.mood").Prop("Labels"));
        Assert.Equal("CHECK (((VALUE >= 0) AND (VALUE <= 100)))", Get(CrmSchemaObjectType.Constraint, "app.pct.pct_check").Prop("Definition"));
        Assert.Equal("5", Get(CrmSchemaObjectType.Sequence, "app.counter").Prop("Start"));
        Assert.Equal("app.t.id", Get(CrmSchemaObjectType.Sequence, "app.t_id_seq").Prop("OwnedBy"));
        var m = Get(CrmSchemaObjectType.Column, "app.t.m");
        Assert.Equal("app.mood", m.Prop("Type"));
        Assert.Equal("'ok'::app.mood", m.Prop("Default"));
        Assert.Equal("NOT NULL", m.Prop("NotNull"));
        Assert.Equal("pg_catalog.\"C\"", Get(CrmSchemaObjectType.Column, "app.t.note").Prop("Collation"));
        Assert.Equal("CREATE INDEX t_m ON app.t USING btree (m) WHERE (note IS NOT NULL)", Get(CrmSchemaObjectType.Index, "app.t_m").Prop("Definition"));
        Assert.False(s.ByKey.ContainsKey(SchemaObject.KeyOf(CrmSchemaObjectType.Index, "app.t_pkey"))); // the constraint stands for it
        Assert.Equal("PRIMARY KEY (id)", Get(CrmSchemaObjectType.Constraint, "app.t.t_pkey").Prop("Definition"));
        Assert.Contains("FROM app.t", Get(CrmSchemaObjectType.View, "app.v").Prop("Definition"));
        Assert.Contains("FROM app.t", Get(CrmSchemaObjectType.MaterializedView, "app.mv").Prop("Definition"));
        Assert.StartsWith("CREATE OR REPLACE FUNCTION app.f(x integer)", Get(CrmSchemaObjectType.Function, "app.f(x integer)").Prop("Definition"));
        Assert.Equal("CREATE TRIGGER t_trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.trg()", Get(CrmSchemaObjectType.Trigger, "app.t.t_trg").Prop("Definition"));
        Assert.Equal("(id > 0)", Get(CrmSchemaObjectType.Policy, "app.t.p_read").Prop("Using"));
        Assert.True(s.ByKey.ContainsKey(SchemaObject.KeyOf(CrmSchemaObjectType.RLS, "app.t")));
        Assert.Equal("SELECT", Get(CrmSchemaObjectType.Grant, $"app.t to {reader}").Prop("Privileges"));
        Assert.Equal("EXECUTE", Get(CrmSchemaObjectType.Grant, "app.f(x integer) to PUBLIC").Prop("Privileges"));
        Assert.Equal("Things", Get(CrmSchemaObjectType.Table, "app.t").Prop("Comment"));
        Assert.DoesNotContain(s.Objects, o => o.Type != CrmSchemaObjectType.Extension && o.Schema is "pg_catalog" or "information_schema");
        Assert.True(Get(CrmSchemaObjectType.Extension, "plpgsql").Platform);
        Assert.False(Get(CrmSchemaObjectType.Table, "app.t").Platform);
        Exec(Db, $"drop owned by {reader}; drop role {reader}");
    }

    [PostgresFact]
    public void EveryMigrationRecordsTheSchemaInItsTransaction_AFailureToRecordCostsAWarningNotTheMigration()
    {
        Write("migrations", "20250101000000_a.sql", "create table a (id int);\n");
        Write("rollbacks", "20250101000000_a.sql", "drop table a;\n");
        Write("migrations", "20250101000001_b.sql", "create table b (id int);\n");
        Write("rollbacks", "20250101000001_b.sql", "drop table b;\n");
        var set = MigrationSet.Load(_root);
        _ = MigrationRunner.Apply(Db, set, new MigrationOptions { TargetVersion = "20250101000000" }, new NullHost()).ToList();
        Assert.Equal(1L, Scalar(Db, "select count(*) from supabase_migrations.crmops_schema_snapshots where version = '20250101000000' and direction = 'up'"));
        var recorded = SnapshotStore.List(Db, 10).Single();
        using (var conn = Db.Open()) Assert.Equal(SchemaSnapshot.Take(conn, null).Digest(), recorded.Digest);

        // A bookkeeping table that cannot take the row: the migration still applies, with a warning.
        Exec(Db, "alter table supabase_migrations.crmops_schema_snapshots add constraint no_more_rows check (id < 0) not valid");
        var host = new NullHost();
        var r = MigrationRunner.Apply(Db, set, new MigrationOptions(), host).Single();
        Assert.Equal(CrmMigrationStatus.Applied, r.Status);
        Assert.Equal(true, Scalar(Db, "select to_regclass('public.b') is not null"));
        Assert.Contains(host.Warnings, w => w.Contains("schema snapshot could not be recorded", StringComparison.Ordinal));
        Assert.Equal(1L, Scalar(Db, "select count(*) from supabase_migrations.crmops_schema_snapshots"));
    }
}
