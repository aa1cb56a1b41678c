using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Operations;
using CrmOps.Tests.Migrations;
using Npgsql;
using Xunit;

namespace CrmOps.Tests.Operations;

/// <summary>TimelineRefresher against a real server; the view's contents and the log are read back with plain SQL.</summary>
public sealed class TimelineRefresherTests(OperationsDatabase db) : IClassFixture<OperationsDatabase>
{
    private const string LinkedOrders = "SELECT count(*) FROM customer_orders_v o JOIN customer_emails ce ON lower(ce.email) = o.email";

    private CrmRefreshResult Refresh(RefreshOptions? options = null, ICrmHost? host = null, string view = TimelineRefresher.DefaultView) =>
        TimelineRefresher.Refresh(db.Connection, view, options ?? new RefreshOptions(), host ?? new NullHost()) ?? throw new InvalidOperationException("declined");

    private long Logged(string status) => db.Count("SELECT count(*) FROM supabase_migrations.crmops_refresh_log WHERE status = @s", ("s", status));

    [PostgresFact]
    public void RefreshesConcurrentlyAndLogsRowsBeforeAndAfter()
    {
        Refresh();
        var succeeded = Logged("Succeeded");
        var r = Refresh();
        Assert.Equal(CrmRefreshStatus.Succeeded, r.Status);
        Assert.Equal(CrmRefreshMode.Concurrent, r.Mode);
        Assert.Equal("public.customer_activity_timeline", r.View);
        Assert.Equal(db.Count(LinkedOrders), r.RowsAfter);
        Assert.Equal(db.Count("SELECT count(*) FROM customer_activity_timeline"), r.RowsAfter);
        Assert.Equal(r.RowsAfter, r.RowsBefore);
        Assert.Equal(succeeded + 1, Logged("Succeeded"));
        Assert.Equal($"{r.RowsBefore}|{r.RowsAfter}", db.Rows("SELECT rows_before, rows_after FROM supabase_migrations.crmops_refresh_log ORDER BY id DESC LIMIT 1").Single());
        var newest = TimelineRefresher.History(db.Connection, TimelineRefresher.DefaultView, 1).Single();
        Assert.Equal((r.Status, r.RowsAfter), (newest.Status, newest.RowsAfter));
    }

    [PostgresFact]
    public void PicksUpNewlyLinkedOrders()
    {
        Refresh();
        var email = (string)db.Scalar("SELECT lower(email) FROM customer_emails WHERE is_primary ORDER BY customer_id LIMIT 1")!;
        db.Exec($"INSERT INTO orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at) VALUES ('xunit-refresh-1', 'ev', 'Unit night', '{email}', 'U', 'Nit', 10, 9, 'completed', '2025-10-01')");
        try
        {
            var r = Refresh();
            Assert.Equal(r.RowsBefore + 1, r.RowsAfter);
            Assert.Equal(db.Count(LinkedOrders), r.RowsAfter);
        }
        finally
        {
            db.Exec("DELETE FROM orders_htx WHERE order_id = 'xunit-refresh-1'");
            Refresh();
        }
    }

    [PostgresFact]
    public void WhatIfAndDeclinedRunsRefreshNothingAndLogNothing()
    {
        Refresh();
        var logged = db.Count("SELECT count(*) FROM supabase_migrations.crmops_refresh_log");
        var version = db.Scalar("SELECT xmin::text FROM pg_class WHERE oid = 'public.customer_activity_timeline'::regclass");
        Assert.Null(TimelineRefresher.Refresh(db.Connection, TimelineRefresher.DefaultView, new RefreshOptions(), new NullHost(whatIf: true)));
        var host = new DecliningHost();
        Assert.Null(TimelineRefresher.Refresh(db.Connection, TimelineRefresher.DefaultView, new RefreshOptions(), host));
        Assert.Contains(host.Asked, a => a.StartsWith("Refresh materialized view concurrently", StringComparison.Ordinal));
        Assert.Equal(logged, db.Count("SELECT count(*) FROM supabase_migrations.crmops_refresh_log"));
        Assert.Equal(version, db.Scalar("SELECT xmin::text FROM pg_class WHERE oid = 'public.customer_activity_timeline'::regclass"));
    }

    [PostgresFact]
    public void SkipsWithAWarningWhileAnotherSessionRefreshes()
    {
        using var other = db.Open();
        using var tx = other.BeginTransaction();
        using (var cmd = new NpgsqlCommand("REFRESH MATERIALIZED VIEW CONCURRENTLY customer_activity_timeline", other, tx)) cmd.ExecuteNonQuery();
        var skipped = Logged("Skipped");
        var host = new NullHost();
        var r = Refresh(host: host);
        Assert.Equal(CrmRefreshStatus.Skipped, r.Status);
        Assert.Contains(host.Warnings, w => w.Contains("another session is refreshing", StringComparison.Ordinal));
        Assert.Equal(skipped + 1, Logged("Skipped"));
        tx.Rollback();
        Assert.Equal(CrmRefreshStatus.Succeeded, Refresh().Status);
    }

    [PostgresFact]
    public void GivesUpAfterTheLockTimeoutAndLogsTheFailure()
    {
        Refresh();
        using var other = db.Open();
        using var tx = other.BeginTransaction();
        using (var cmd = new NpgsqlCommand("LOCK TABLE customer_emails IN ACCESS EXCLUSIVE MODE", other, tx)) cmd.ExecuteNonQuery();
        var failed = Logged("Failed");
        var rows = db.Count("SELECT count(*) FROM customer_activity_timeline");
        var ex = Assert.Throws<CrmException>(() => Refresh(new RefreshOptions { LockTimeout = TimeSpan.FromMilliseconds(300) }));
        Assert.Equal("RefreshLockTimeout", ex.ErrorId);
        Assert.Contains("gave up after waiting 0.3 s", ex.Message, StringComparison.Ordinal);
        tx.Rollback();
        Assert.Equal(failed + 1, Logged("Failed"));
        Assert.Equal(rows, db.Count("SELECT count(*) FROM customer_activity_timeline"));
    }

    [PostgresFact]
    public void RefusesWhatItCannotRefresh()
    {
        Assert.Equal("ObjectNotFound", Assert.Throws<CrmException>(() => Refresh(view: "no_such_view")).ErrorId);
        Assert.Equal("NotAMaterializedView", Assert.Throws<CrmException>(() => Refresh(view: "customer_profiles")).ErrorId);
        db.Exec("CREATE MATERIALIZED VIEW IF NOT EXISTS xunit_no_key AS SELECT 1 AS x");
        Assert.Equal("RefreshConcurrentlyImpossible", Assert.Throws<CrmException>(() => Refresh(new RefreshOptions { Concurrently = true }, view: "xunit_no_key")).ErrorId);
        Assert.Equal(CrmRefreshMode.Blocking, Refresh(view: "xunit_no_key").Mode);
        Assert.Equal("LockTimeoutOutOfRange", Assert.Throws<CrmException>(() => Refresh(new RefreshOptions { LockTimeout = TimeSpan.Zero })).ErrorId);
    }
}
