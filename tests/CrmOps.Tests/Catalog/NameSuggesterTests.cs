using CrmOps.Catalog;
using Xunit;

namespace CrmOps.Tests.Catalog;

public class NameSuggesterTests
{
    private static readonly string[] Crm =
    [
        "customers", "orders", "customer_profiles", "customer_emails", "customer_engagement_metrics",
        "orders_htx", "orders_eventbrite", "customer_orders_v", "customers_flat_v", "customer_marketing_export",
    ];

    [Fact]
    public void Missing_plural_suggests_the_real_table_first() =>
        Assert.Equal("customer_profiles", NameSuggester.Suggest("customer_profile", Crm)[0]);

    [Theory]
    [InlineData("customer_emial", "customer_emails")]
    [InlineData("orders_htz", "orders_htx")]
    [InlineData("CUSTOMER_PROFILES", "customer_profiles")]
    [InlineData("customer_marketing", "customer_marketing_export")]
    [InlineData("ordres", "orders")]
    [InlineData("customers_flat", "customers_flat_v")]
    public void Typos_case_and_prefixes_rank_first(string typed, string expected) =>
        Assert.Equal(expected, NameSuggester.Suggest(typed, Crm)[0]);

    [Fact]
    public void Unrelated_names_get_no_suggestion() => Assert.Empty(NameSuggester.Suggest("zzz_quux", Crm));

    [Fact]
    public void Suggests_at_most_three() => Assert.True(NameSuggester.Suggest("customer", Crm).Count <= 3);

    [Fact]
    public void Customer_profile_does_not_suggest_unrelated_tables() =>
        Assert.DoesNotContain("orders_eventbrite", NameSuggester.Suggest("customer_profile", Crm));

    [Fact]
    public void Same_schema_name_beats_other_schema_on_a_tie() =>
        Assert.Equal("users", NameSuggester.Suggest("user", ["auth.users", "users"])[0]);

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("abc", "acb", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void Distance_is_optimal_string_alignment(string a, string b, int expected) =>
        Assert.Equal(expected, NameSuggester.Distance(a, b));
}
