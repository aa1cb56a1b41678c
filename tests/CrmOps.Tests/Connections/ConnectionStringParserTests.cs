using CrmOps.Connections;
using CrmOps.Errors;
using Npgsql;
using Xunit;

namespace CrmOps.Tests.Connections;

public class ConnectionStringParserTests
{
    [Fact]
    public void Parses_supabase_uri_with_encoded_password_and_sslmode()
    {
        var b = ConnectionStringParser.Parse("postgresql://postgres.abcd:p%40ss%3Aw0rd@aws-0-ap-southeast-2.pooler.supabase.com:5432/postgres?sslmode=require");
        Assert.Equal("aws-0-ap-southeast-2.pooler.supabase.com", b.Host);
        Assert.Equal(5432, b.Port);
        Assert.Equal("postgres.abcd", b.Username);
        Assert.Equal("p@ss:w0rd", b.Password);
        Assert.Equal("postgres", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
    }

    [Fact]
    public void Port_6543_is_treated_as_a_transaction_pooler()
    {
        var b = ConnectionFactory.Resolve("postgres://u:p@db.example.com:6543/postgres", environment: new Dictionary<string, string?>());
        Assert.True(ConnectionFactory.IsPooled(b));
        Assert.Equal(0, b.MaxAutoPrepare);
    }

    [Fact]
    public void Pooler_keyword_marks_pooled_and_is_not_passed_to_npgsql()
    {
        var b = ConnectionStringParser.Parse("Host=h;Port=6432;Username=u;Database=d;Pooler=transaction");
        Assert.True(ConnectionFactory.IsPooled(b));
        Assert.DoesNotContain("pooler", b.ConnectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parses_libpq_form_with_quoted_value()
    {
        var b = ConnectionStringParser.Parse("host=10.0.0.5 port=5433 dbname=crm user=ops password='a b\\'c' sslmode=verify-full");
        Assert.Equal("10.0.0.5", b.Host);
        Assert.Equal(5433, b.Port);
        Assert.Equal("crm", b.Database);
        Assert.Equal("ops", b.Username);
        Assert.Equal("a b'c", b.Password);
        Assert.Equal(SslMode.VerifyFull, b.SslMode);
    }

    [Fact]
    public void Parses_keyword_form()
    {
        var b = ConnectionStringParser.Parse("Host=127.0.0.1;Port=5432;Username=crmops;Database=crm;SSL Mode=Disable");
        Assert.Equal("127.0.0.1", b.Host);
        Assert.Equal(SslMode.Disable, b.SslMode);
    }

    [Fact]
    public void Parses_ipv6_uri_host()
    {
        var b = ConnectionStringParser.Parse("postgresql://u@[::1]:5433/d");
        Assert.Equal("::1", b.Host);
        Assert.Equal(5433, b.Port);
    }

    [Theory]
    [InlineData("postgresql://u:secretpw@h:99999/d")]
    [InlineData("postgresql://u:secretpw@h:abc/d")]
    [InlineData("Host=h;Port=-1;Password=secretpw")]
    [InlineData("Host=h;Bogus Keyword=1;Password=secretpw")]
    [InlineData("postgresql://u:secretpw@h/d?sslmode=sometimes")]
    public void Malformed_input_gives_a_clear_error_without_the_password(string text)
    {
        var ex = Assert.Throws<CrmException>(() => ConnectionStringParser.Parse(text));
        Assert.Equal("ConnectionStringInvalid", ex.ErrorId);
        Assert.Equal(CrmErrorKind.InvalidArgument, ex.Kind);
        Assert.DoesNotContain("secretpw", ex.Message);
        Assert.Null(ex.InnerException);
    }

    [Fact]
    public void Libpq_environment_is_used_when_no_string_is_given()
    {
        var env = new Dictionary<string, string?>
        {
            ["PGHOST"] = "db.internal", ["PGPORT"] = "5444", ["PGUSER"] = "ops", ["PGDATABASE"] = "crm",
            ["PGPASSWORD"] = "pw", ["PGSSLMODE"] = "require", ["PGPASSFILE"] = "/etc/pgpass",
        };
        var b = ConnectionFactory.Resolve(null, environment: env);
        Assert.Equal("db.internal", b.Host);
        Assert.Equal(5444, b.Port);
        Assert.Equal("ops", b.Username);
        Assert.Equal("crm", b.Database);
        Assert.Equal("pw", b.Password);
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("/etc/pgpass", b.Passfile);
    }

    [Fact]
    public void Crmops_connection_variable_wins_over_libpq_variables()
    {
        var env = new Dictionary<string, string?> { ["CRMOPS_CONNECTION"] = "Host=a;Username=u;Database=d", ["PGHOST"] = "b" };
        Assert.Equal("a", ConnectionFactory.Resolve(null, environment: env).Host);
    }

    [Fact]
    public void Credential_overrides_user_and_password()
    {
        var b = ConnectionFactory.Resolve("Host=h;Username=x;Password=y;Database=d", new System.Net.NetworkCredential("ops", "pw2"),
            new Dictionary<string, string?>());
        Assert.Equal("ops", b.Username);
        Assert.Equal("pw2", b.Password);
    }

    [Theory]
    [InlineData("failed: Password=hunter2;Host=x", "hunter2")]
    [InlineData("postgresql://u:hunter2@h/d", "hunter2")]
    [InlineData("the secret hunter2 leaked", "hunter2")]
    public void Redact_removes_passwords(string text, string secret)
    {
        Assert.DoesNotContain(secret, Secrets.Redact(text, secret));
    }
}
