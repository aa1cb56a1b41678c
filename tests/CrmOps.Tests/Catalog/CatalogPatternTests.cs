using System.Text.RegularExpressions;
using CrmOps.Catalog;
using CrmOps.Errors;
using Xunit;

namespace CrmOps.Tests.Catalog;

public class CatalogPatternTests
{
    [Theory]
    [InlineData("customers", "^customers$")]
    [InlineData("cust*", "^cust.*$")]
    [InlineData("orders_?tx", "^orders_.tx$")]
    [InlineData("orders_[he]*", "^orders_[he].*$")]
    [InlineData("t[a-c]", "^t[a-c]$")]
    [InlineData("a.b", "^a\\.b$")]
    [InlineData("x$y", "^x\\$y$")]
    [InlineData("100%_done", "^100\\%_done$")]
    [InlineData("it's", "^it\\'s$")]
    [InlineData("a`*b", "^a\\*b$")]
    [InlineData("a`?", "^a\\?$")]
    [InlineData("(x)|y", "^\\(x\\)\\|y$")]
    [InlineData("back\\slash", "^back\\\\slash$")]
    public void Translates_wildcards_to_anchored_regex(string pattern, string expected) =>
        Assert.Equal(expected, CatalogPattern.ToRegex(pattern));

    [Theory]
    [InlineData("cust*", "customers", true)]
    [InlineData("cust*", "xcustomers", false)]
    [InlineData("customer_?mails", "customer_emails", true)]
    [InlineData("orders_[he]*", "orders_htx", true)]
    [InlineData("orders_[he]*", "orders_eventbrite", true)]
    [InlineData("orders_[he]*", "orders_x", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("*", "anything at all", true)]
    [InlineData("customers; DROP TABLE orders", "customers; DROP TABLE orders", true)]
    [InlineData("customers; DROP TABLE orders", "customers", false)]
    [InlineData("[^a]", "^", true)]
    [InlineData("[^a]", "b", false)]
    [InlineData("[]", "x", false)]
    public void Regex_matches_like_PowerShell_wildcards(string pattern, string name, bool matches)
    {
        if (pattern == "[]")
        {
            Assert.Throws<CrmException>(() => CatalogPattern.ToRegex(pattern));
            return;
        }
        var regex = CatalogPattern.ToRegex(pattern);
        Assert.Equal(matches, Regex.IsMatch(name, regex, RegexOptions.IgnoreCase));
    }

    [Fact]
    public void Agrees_with_PowerShell_semantics_on_case() =>
        Assert.Matches(new Regex(CatalogPattern.ToRegex("CUST*"), RegexOptions.IgnoreCase), "customer_profiles");

    [Theory]
    [InlineData("customers", false)]
    [InlineData("cust*", true)]
    [InlineData("a?", true)]
    [InlineData("a[bc]", true)]
    [InlineData("a`*", false)]
    [InlineData("customers; DROP TABLE orders", false)]
    public void Detects_wildcards(string text, bool expected) => Assert.Equal(expected, CatalogPattern.HasWildcards(text));

    [Fact]
    public void Unescape_removes_backticks() => Assert.Equal("a*b", CatalogPattern.Unescape("a`*b"));

    [Fact]
    public void Unterminated_bracket_is_an_invalid_argument()
    {
        var ex = Assert.Throws<CrmException>(() => CatalogPattern.ToRegex("orders_[abc"));
        Assert.Equal(CrmErrorKind.InvalidArgument, ex.Kind);
    }
}
