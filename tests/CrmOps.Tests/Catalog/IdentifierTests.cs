using CrmOps.Sql;
using CrmOps.Errors;
using Xunit;

namespace CrmOps.Tests.Catalog;

public class IdentifierTests
{
    [Theory]
    [InlineData("customers", "\"customers\"")]
    [InlineData("Customers", "\"Customers\"")]
    [InlineData("customers; DROP TABLE orders", "\"customers; DROP TABLE orders\"")]
    [InlineData("a\"b", "\"a\"\"b\"")]
    [InlineData("x\"; DROP TABLE orders; --", "\"x\"\"; DROP TABLE orders; --\"")]
    [InlineData("with space", "\"with space\"")]
    public void Quotes_every_identifier(string name, string expected) => Assert.Equal(expected, Identifier.Quote(name));

    [Fact]
    public void Quotes_schema_and_name() => Assert.Equal("\"public\".\"order\"", Identifier.Quote("public", "order"));

    [Theory]
    [InlineData("")]
    [InlineData("a\0b")]
    public void Rejects_empty_and_nul(string name) =>
        Assert.Equal(CrmErrorKind.InvalidArgument, Assert.Throws<CrmException>(() => Identifier.Quote(name)).Kind);

    [Theory]
    [InlineData("public.customers", "public", "customers")]
    [InlineData("customers", null, "customers")]
    [InlineData("auth.users", "auth", "users")]
    [InlineData("customers; DROP TABLE x.y", null, "customers; DROP TABLE x.y")]
    [InlineData(".hidden", null, ".hidden")]
    [InlineData("Customer_Profiles", null, "customer_profiles")]
    [InlineData("Public.Customer_Profiles", "public", "customer_profiles")]
    [InlineData("\"Customer_Profiles\"", null, "Customer_Profiles")]
    [InlineData("\"My Schema\" . \"a\"\"b\"", "My Schema", "a\"b")]
    [InlineData("cust*", null, "cust*")]
    [InlineData("a.b.c", null, "a.b.c")]
    public void Parses_names_as_postgres_does_else_takes_the_text_as_one_name(string text, string? schema, string name)
    {
        var (s, n) = Identifier.ParseLenient(text);
        Assert.Equal(schema, s);
        Assert.Equal(name, n);
    }

    [Theory]
    [InlineData("a.b.c")]
    [InlineData("customers; drop table x")]
    [InlineData("\"unterminated")]
    [InlineData("")]
    public void Parse_refuses_what_is_not_a_name(string text)
    {
        var ex = Assert.Throws<CrmException>(() => Identifier.Parse(text));
        Assert.Equal("IdentifierInvalid", ex.ErrorId);
        Assert.Equal(CrmErrorKind.InvalidArgument, ex.Kind);
    }
}
