using CrmOps.Catalog;
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
    public void Splits_qualified_names(string text, string? schema, string name)
    {
        var (s, n) = Identifier.Split(text);
        Assert.Equal(schema, s);
        Assert.Equal(name, n);
    }
}
