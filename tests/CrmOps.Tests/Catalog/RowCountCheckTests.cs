using CrmOps.Catalog;
using Xunit;

namespace CrmOps.Tests.Catalog;

public class RowCountCheckTests
{
    [Fact]
    public void Seed_mistake_is_caught_by_a_minimum()
    {
        var r = CrmCatalog.Evaluate("public.customers", 3, minimum: 1000, maximum: null, expected: null);
        Assert.False(r.Passed);
        Assert.Equal("3", r.Actual);
        Assert.Contains(">= 1,000", r.Expected);
    }

    [Theory]
    [InlineData(9369, null, null, 9369L, true)]
    [InlineData(9368, null, null, 9369L, false)]
    [InlineData(5, 1L, 10L, null, true)]
    [InlineData(11, 1L, 10L, null, false)]
    [InlineData(0, null, null, null, false)]
    [InlineData(1, null, null, null, true)]
    public void Evaluates_bounds(long actual, long? min, long? max, long? expected, bool passed) =>
        Assert.Equal(passed, CrmCatalog.Evaluate("t", actual, min, max, expected).Passed);

    [Theory]
    [InlineData("public.customers", null, "public", "customers")]
    [InlineData("customers", null, "public", "customers")]
    [InlineData("customers", "crm", "crm", "customers")]
    public void Resolves_names(string text, string? schema, string s, string n) =>
        Assert.Equal((s, n), CrmCatalog.ResolveName(text, schema));
}
