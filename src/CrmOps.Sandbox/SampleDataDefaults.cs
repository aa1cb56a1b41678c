namespace CrmOps.Sandbox;

/// <summary>Constants of the sample CRM database (the seed's production figures as of 2025-10-15).</summary>
public static class SampleDataDefaults
{
    /// <summary>Customers in the seed's production database.</summary>
    public const int DefaultCustomers = 9369;

    /// <summary>Default generator seed: the same seed always produces the same database.</summary>
    public const int DefaultSeed = 20251015;

    /// <summary>Smallest and largest supported customer counts.</summary>
    public const int MinCustomers = 100;
    public const int MaxCustomers = 10_000_000;

    /// <summary>The instant the seed's figures (and the generated recency profile) refer to.</summary>
    public static readonly DateTimeOffset AsOf = new(2025, 10, 15, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Earliest order date in the data (April 2021).</summary>
    public static readonly DateTimeOffset FirstOrderDay = new(2021, 4, 1, 0, 0, 0, TimeSpan.Zero);

    // The seed's order volumes at DefaultCustomers; other sizes scale them proportionally.
    // NOTE: the seed's figures are inconsistent: orders_htx 2,178 + orders_eventbrite 9,684 = 11,862,
    // yet customer_orders_v (a UNION ALL of the two) is given as 11,864 = 11,825 linked + 39 unlinked.
    // We keep 2,178 Humanitix orders and the 11,864 total, so Eventbrite gets 9,686 (one figure off by 2
    // instead of two: the view total and the 39 unlinked orders).
    internal const int DefaultHumanitixOrders = 2178;
    internal const int DefaultTotalOrders = 11864;
    internal const int DefaultLinkedOrders = 11825;
    internal const int DefaultUnlinkedOrders = 39;
    /// <summary>Cancelled/refunded orders that link to a customer (design choice, not a seed figure).</summary>
    internal const int DefaultNonCompletedLinkedOrders = 300;
}
