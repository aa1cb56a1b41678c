using CrmOps.Connections;
using CrmOps.Errors;
using Npgsql;
using Xunit;

namespace CrmOps.Tests.Connections;

/// <summary>Multi-host strings (three forms), Target Session Attributes, and read replicas that inherit the primary's settings.</summary>
public class MultiHostTests
{
    [Fact]
    public void Multi_host_uri_keeps_each_hosts_port_and_target_session_attrs()
    {
        var b = ConnectionStringParser.Parse("postgresql://ops:pw@pg1.internal:5432,pg2.internal:5433/crm?target_session_attrs=prefer-standby&sslmode=require");
        Assert.Equal("pg1.internal:5432,pg2.internal:5433", b.Host);
        Assert.Equal("crm", b.Database);
        Assert.Equal("ops", b.Username);
        Assert.Equal("prefer-standby", b.TargetSessionAttributes);
        Assert.Equal(SslMode.Require, b.SslMode);
    }

    [Fact]
    public void Libpq_host_and_port_lists_pair_up()
    {
        var b = ConnectionStringParser.Parse("host=a,b port=5432,5433 user=u dbname=d target_session_attrs=read-only");
        Assert.Equal("a:5432,b:5433", b.Host);
        Assert.Equal("read-only", b.TargetSessionAttributes);
    }

    [Fact]
    public void Libpq_port_list_of_the_wrong_length_is_refused()
    {
        var ex = Assert.Throws<CrmException>(() => ConnectionStringParser.Parse("host=a,b,c port=5432,5433 user=u"));
        Assert.Equal("ConnectionStringInvalid", ex.ErrorId);
        Assert.Contains("3 host(s) but 2 ports", ex.Message);
    }

    [Fact]
    public void Unknown_target_session_attribute_names_the_accepted_ones()
    {
        var ex = Assert.Throws<CrmException>(() => ConnectionStringParser.Parse("Host=a,b;Username=u;Target Session Attributes=fastest"));
        Assert.Contains("prefer-standby", ex.Message);
    }

    [Theory]
    [InlineData(null, "primary", "prefer-standby")]
    [InlineData("any", "primary", "prefer-standby")]
    [InlineData("prefer-standby", "primary", "prefer-standby")]
    [InlineData("standby", "primary", "standby")]
    [InlineData("read-only", "primary", "read-only")]
    [InlineData("primary", "primary", null)]
    [InlineData("read-write", "read-write", null)]
    [InlineData("prefer-primary", "prefer-primary", null)]
    public void Multi_host_connection_routes_changes_to_a_primary_and_reads_to_a_standby(string? target, string writes, string? reads)
    {
        var text = "Host=127.0.0.1:1,127.0.0.1:2;Username=u;Database=d" + (target is null ? "" : $";Target Session Attributes={target}");
        using var c = ConnectionFactory.Deferred(text);
        Assert.Equal(writes, c.TargetSession);
        Assert.Equal(reads, c.Replica?.TargetSession);
        Assert.Equal(reads is null ? null : $"{reads} among u@127.0.0.1:1,127.0.0.1:2/d", c.ReadReplica);
        Assert.Equal("u@127.0.0.1:1,127.0.0.1:2/d", c.ToString());
    }

    [Fact]
    public void One_host_has_no_replica_and_keeps_its_endpoint()
    {
        using var c = ConnectionFactory.Deferred("Host=db;Port=5433;Username=u;Database=d");
        Assert.Null(c.ReadReplica);
        Assert.Equal("db:5433", c.Endpoint);
    }

    [Fact]
    public void Read_replica_takes_what_it_leaves_out_from_the_primary_and_its_password_is_redacted_too()
    {
        var primary = ConnectionFactory.Resolve("Host=primary;Username=ops;Password=primary-secret;Database=crm;SSL Mode=Require",
            environment: new Dictionary<string, string?>());
        using var c = ConnectionFactory.Deferred(primary.ConnectionString);
        ConnectionFactory.AddReadReplica(c, primary, "Host=replica;Port=6000;Password=replica-secret");
        Assert.Equal("ops@replica:6000/crm", c.ReadReplica);
        Assert.Equal(TimeSpan.FromSeconds(60), c.MaxReplicaLag);
        Assert.Equal("SslMode.Require", "SslMode." + c.Replica!.SslMode);
        var text = c.Redact("primary-secret and replica-secret");
        Assert.DoesNotContain("secret", text);
    }

    [Fact]
    public void Max_replica_lag_must_be_positive()
    {
        using var c = ConnectionFactory.Deferred("Host=db;Username=u;Database=d");
        Assert.Throws<CrmException>(() => ConnectionFactory.LimitReplicaLag(c, TimeSpan.Zero));
        ConnectionFactory.LimitReplicaLag(c, TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), c.MaxReplicaLag);
    }
}
