namespace CrmOps.Sandbox;

/// <summary>Order status, platform-neutral (the loader maps it to each platform's vocabulary).</summary>
internal enum SampleOrderStatus : byte { Completed = 0, Cancelled = 1, Refunded = 2 }

/// <summary>How the email appears on a raw platform order.</summary>
internal enum SampleEmailStyle : byte { AsIs = 0, MixedCase = 1, Padded = 2, MixedPadded = 3, Null = 4, Empty = 5, Unknown = 6 }

/// <summary>One generated order (value type; held in a reused per-customer buffer).</summary>
internal struct SampleOrder
{
    public long Ordinal;          // global, 0-based, unique: the source of the order id
    public bool Humanitix;
    public bool Linked;           // false: the email matches no customer (null, empty or unknown)
    public SampleOrderStatus Status;
    public SampleEmailStyle EmailStyle;
    public SampleEvent Event;
    public int Quantity;
    public long GrossCents;
    public long NetCents;
    public long CreatedUnix;      // seconds since 1970-01-01 UTC
    public int GuestFirst, GuestLast, GuestDomain; // purchaser of an unlinked order
}

/// <summary>
/// One generated customer with its orders. The generator reuses a single instance: read it inside
/// the callback, do not keep it.
/// </summary>
internal sealed class SampleCustomer
{
    public long Index;
    public Guid Id;
    public RfmProfile Profile;
    public int First, Last, Domain, EmailFormat;
    public int PhoneDigits;        // 8 digits after "+61 4"; -1 = no phone
    public long CreatedUnix, UpdatedUnix;
    public SampleOrder[] Orders = new SampleOrder[32];
    public int OrderCount;
    // Engagement metrics over completed linked orders (what the sync maintains).
    public int LifetimeOrders;
    public long LifetimeGrossCents, LifetimeNetCents, FirstOrderUnix, LastOrderUnix;

    public string FirstName => SampleCatalog.FirstNames[First];
    public string LastName => SampleCatalog.LastNames[Last];
    public string FullName => string.Concat(SampleCatalog.FirstNames[First], " ", SampleCatalog.LastNames[Last]);

    /// <summary>Lower-case, trimmed, unique (the digits are the customer's index).</summary>
    public string Email => EmailOf(Index, First, Last, Domain, EmailFormat);

    internal static string EmailOf(long index, int first, int last, int domain, int format)
    {
        string f = SampleCatalog.FirstSlugs[first], l = SampleCatalog.LastSlugs[last];
        string n = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string d = SampleCatalog.Domains[domain];
        return format switch
        {
            0 => string.Concat(f, ".", l, n, "@", d),
            1 => string.Concat(f, l, n, "@", d),
            2 => string.Concat(f.AsSpan(0, 1), ".", l, n) + "@" + d,
            3 => string.Concat(l, ".", f, n, "@", d),
            _ => string.Concat(f, "_", l, n, "@", d),
        };
    }
}

/// <summary>
/// Deterministic generator of the sample CRM: customers (profile, one primary email, engagement
/// metrics) and their Humanitix/Eventbrite orders. Each customer gets an intended (R,F,M) profile
/// from <see cref="SampleQuota"/> and orders that realise exactly that profile as of
/// <see cref="SampleDataDefaults.AsOf"/>; order volumes match the seed's figures at the default size.
/// Streams one customer at a time, so any size from 100 to 10,000,000 runs in constant memory;
/// every run with the same (customers, seed) produces the same data.
/// </summary>
public sealed class SampleDataGenerator
{
    private const long DaySeconds = 86_400;
    private static readonly long StartUnix = SampleDataDefaults.FirstOrderDay.ToUnixTimeSeconds();
    private static readonly int DaysToAsOf = (int)((SampleDataDefaults.AsOf - SampleDataDefaults.FirstOrderDay).TotalDays); // 1658
    private static readonly double[] SeasonByMonth = { 1.35, 1.5, 1.6, 1.15, 0.8, 0.7, 0.7, 0.8, 0.9, 1.1, 1.25, 1.05 };

    private readonly int[] _cellCounts;
    private readonly double[] _dayCdf;
    private readonly SampleEvent[][] _events;

    public int Customers { get; }
    public int Seed { get; }

    /// <summary>Expected row counts (exact: the generator realises them).</summary>
    public long HumanitixOrders { get; }
    public long EventbriteOrders => TotalOrders - HumanitixOrders;
    public long TotalOrders => LinkedOrders + UnlinkedOrders;
    public long LinkedOrders { get; }
    public long UnlinkedOrders { get; }
    internal long NonCompletedLinkedOrders { get; }
    internal long CompletedOrders => LinkedOrders - NonCompletedLinkedOrders;

    private readonly long _f2Extras, _f2Eligible;

    public SampleDataGenerator(int customers = SampleDataDefaults.DefaultCustomers, int seed = SampleDataDefaults.DefaultSeed)
    {
        if (customers < SampleDataDefaults.MinCustomers || customers > SampleDataDefaults.MaxCustomers)
            throw new ArgumentOutOfRangeException(nameof(customers), customers,
                $"Customers must be between {SampleDataDefaults.MinCustomers} and {SampleDataDefaults.MaxCustomers}.");
        Customers = customers;
        Seed = seed;
        _cellCounts = SampleQuota.CountsFor(customers);
        _events = SampleCatalog.BuildEvents(new SampleRng(SampleRng.Mix((ulong)(uint)seed, 0xE7E27)));
        _dayCdf = BuildDayCdf();

        // Completed orders implied by the frequency bands (minimum plus the fixed per-band patterns).
        long n3 = 0, n4 = 0, n5 = 0;
        long baseCompleted = 0;
        for (int i = 0; i < _cellCounts.Length; i++)
        {
            var p = SampleQuota.DefaultCells[i].Profile;
            long c = _cellCounts[i];
            switch (p.F)
            {
                case 2: baseCompleted += c; if (p.M >= 2) _f2Eligible += c; break;
                case 3: n3 += c; break;
                case 4: n4 += c; break;
                case 5: n5 += c; break;
            }
        }
        for (long j = 0; j < n3; j++) baseCompleted += 3 + ExtraF3(j);
        for (long j = 0; j < n4; j++) baseCompleted += 5 + ExtraF4(j);
        for (long j = 0; j < n5; j++) baseCompleted += 10 + ExtraF5(j);

        UnlinkedOrders = SampleQuota.Scale(SampleDataDefaults.DefaultUnlinkedOrders, customers);
        long linked = Math.Max(SampleQuota.Scale(SampleDataDefaults.DefaultLinkedOrders, customers), baseCompleted);
        long nonCompleted = SampleQuota.Scale(SampleDataDefaults.DefaultNonCompletedLinkedOrders, customers);
        long extras = linked - nonCompleted - baseCompleted;
        if (extras < 0) { nonCompleted += extras; extras = 0; }
        if (extras > _f2Eligible) { nonCompleted += extras - _f2Eligible; extras = _f2Eligible; }
        if (nonCompleted > customers) { linked -= nonCompleted - customers; nonCompleted = customers; }
        _f2Extras = extras;
        NonCompletedLinkedOrders = nonCompleted;
        LinkedOrders = linked;
        HumanitixOrders = Math.Min(TotalOrders, (TotalOrders * SampleDataDefaults.DefaultHumanitixOrders * 2 + SampleDataDefaults.DefaultTotalOrders)
            / (2L * SampleDataDefaults.DefaultTotalOrders));
    }

    private static int ExtraF3(long j) => j % 3 == 1 ? 1 : 0;                           // 3-4 orders
    private static int ExtraF4(long j) => (int)(j % 5) switch { 1 => 1, 3 => 2, 4 => 1, _ => 0 }; // 5-7 orders
    private static int ExtraF5(long j) => (int)(j % 4) switch { 1 => 1, 3 => 2, _ => 0 };         // 10-12 orders

    /// <summary>Intended (R,F,M) profile of every customer, in generation order (cheap: no orders built).</summary>
    internal IEnumerable<RfmProfile> Profiles()
    {
        var rng = new SampleRng(SampleRng.Mix((ulong)(uint)Seed, 0xC0FFEE));
        var remaining = (int[])_cellCounts.Clone();
        for (long i = 0; i < Customers; i++)
            yield return SampleQuota.DefaultCells[DrawCell(rng, remaining, Customers - i)].Profile;
    }

    private static int DrawCell(SampleRng rng, int[] remaining, long left)
    {
        long r = rng.NextLong(left);
        for (int c = 0; c < remaining.Length; c++)
        {
            if (r < remaining[c]) { remaining[c]--; return c; }
            r -= remaining[c];
        }
        throw new InvalidOperationException("Quota table exhausted.");
    }

    private static double[] BuildDayCdf()
    {
        int days = (int)((SampleDataDefaults.AsOf - SampleDataDefaults.FirstOrderDay).TotalDays);
        var cdf = new double[days];
        double acc = 0;
        var start = SampleDataDefaults.FirstOrderDay.UtcDateTime;
        for (int d = 0; d < days; d++)
        {
            var day = start.AddDays(d);
            double growth = 0.55 + 0.17 * (day.Year - 2021) + 0.014 * (day.Month - 1);
            double week = day.DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday ? 1.25 : day.DayOfWeek == DayOfWeek.Sunday ? 1.05 : 0.9;
            acc += SeasonByMonth[day.Month - 1] * growth * week;
            cdf[d] = acc;
        }
        return cdf;
    }

    /// <summary>A day index in [lo, hi] (days since 2021-04-01) weighted by season, growth and weekday.</summary>
    private int SampleDay(SampleRng rng, int lo, int hi)
    {
        if (hi <= lo) return lo;
        double a = lo == 0 ? 0 : _dayCdf[lo - 1], b = _dayCdf[hi];
        double u = a + rng.NextDouble() * (b - a);
        int l = lo, h = hi;
        while (l < h) { int m = (l + h) >> 1; if (_dayCdf[m] > u) h = m; else l = m + 1; }
        return l;
    }

    private static long DayToUnix(SampleRng rng, int day) => StartUnix + day * DaySeconds + rng.Next((int)DaySeconds);

    /// <summary>Days-before-as-of band of the last completed order for each recency score, as day indexes.</summary>
    private static (int Lo, int Hi) RecencyDays(int r)
    {
        int last = DaysToAsOf; // index of the as-of day itself (excluded)
        return r switch
        {
            5 => (last - 28, last - 2),
            4 => (last - 58, last - 33),
            3 => (last - 88, last - 63),
            2 => (last - 178, last - 93),
            _ => (0, last - 183),
        };
    }

    private static (long Lo, long Hi, long TargetLo, long TargetHi) MonetaryBand(int m) => m switch
    {
        5 => (100_000, 500_000, 105_000, 300_000),
        4 => (50_000, 100_000, 52_000, 96_000),
        3 => (20_000, 50_000, 21_000, 48_000),
        2 => (5_000, 20_000, 5_500, 19_000),
        _ => (0, 5_000, 1_900, 4_700),
    };

    /// <summary>
    /// Runs the generator, calling <paramref name="onCustomer"/> once per customer (the same instance,
    /// refilled each time). Pure computation; string building is left to the consumer.
    /// </summary>
    internal void Run(Action<SampleCustomer> onCustomer)
    {
        var cellRng = new SampleRng(SampleRng.Mix((ulong)(uint)Seed, 0xC0FFEE));
        var rng = new SampleRng(SampleRng.Mix((ulong)(uint)Seed, 0xDA7A));
        var remaining = (int[])_cellCounts.Clone();
        long j3 = 0, j4 = 0, j5 = 0;
        long f2ExtrasLeft = _f2Extras, f2EligibleLeft = _f2Eligible;
        long nonCompletedLeft = NonCompletedLinkedOrders, unlinkedLeft = UnlinkedOrders;
        long htxLeft = HumanitixOrders, ordersLeft = TotalOrders;
        long ordinal = 0;
        var c = new SampleCustomer();
        var days = new int[16];
        int firstNames = SampleCatalog.FirstNames.Length, lastNames = SampleCatalog.LastNames.Length;

        for (long i = 0; i < Customers; i++)
        {
            long customersLeft = Customers - i;
            var p = SampleQuota.DefaultCells[DrawCell(cellRng, remaining, customersLeft)].Profile;
            c.Index = i;
            c.Profile = p;
            c.Id = NewUuid(rng);
            c.First = Skewed(rng, firstNames);
            c.Last = Skewed(rng, lastNames);
            c.Domain = rng.Next(SampleCatalog.Domains.Length);
            c.EmailFormat = rng.Next(10) switch { < 4 => 0, < 6 => 1, 6 => 2, 7 => 3, _ => 4 };
            c.PhoneDigits = rng.Next(100) < 68 ? rng.Next(100_000_000) : -1;

            int k = p.F switch
            {
                3 => 3 + ExtraF3(j3++),
                4 => 5 + ExtraF4(j4++),
                5 => 10 + ExtraF5(j5++),
                _ => 1,
            };
            if (p.F == 2 && p.M >= 2)
            {
                if (rng.Select(f2ExtrasLeft, f2EligibleLeft)) { k = 2; f2ExtrasLeft--; }
                f2EligibleLeft--;
            }

            // Dates: the last completed order inside the recency band, the others on earlier days.
            var (lo, hi) = RecencyDays(p.R);
            int lastDay = SampleDay(rng, Math.Max(lo, Math.Min(hi, k)), hi);
            if (days.Length < k) days = new int[k * 2];
            days[k - 1] = lastDay;
            for (int o = 0; o < k - 1; o++) days[o] = SampleDay(rng, 0, lastDay - 1);
            Array.Sort(days, 0, k - 1);

            c.OrderCount = 0;
            if (c.Orders.Length < k + 2) c.Orders = new SampleOrder[(k + 2) * 2];
            RealiseMonetary(rng, c, k, p.M, days);

            long gross = 0, net = 0;
            for (int o = 0; o < k; o++) { gross += c.Orders[o].GrossCents; net += c.Orders[o].NetCents; }
            c.LifetimeOrders = k;
            c.LifetimeGrossCents = gross;
            c.LifetimeNetCents = net;
            long first = long.MaxValue;
            for (int o = 0; o < k; o++) first = Math.Min(first, c.Orders[o].CreatedUnix);
            c.FirstOrderUnix = first;
            c.LastOrderUnix = c.Orders[k - 1].CreatedUnix;
            c.CreatedUnix = c.FirstOrderUnix + rng.Range(30, 900);
            c.UpdatedUnix = c.LastOrderUnix + rng.Range(30, 900);

            // A cancelled or refunded order (linked, but not counted in the metrics).
            if (rng.Select(nonCompletedLeft, customersLeft))
            {
                nonCompletedLeft--;
                ref var o = ref c.Orders[c.OrderCount++];
                o = default;
                int day = SampleDay(rng, 0, DaysToAsOf - 2);
                o.CreatedUnix = DayToUnix(rng, day);
                SetAmount(rng, ref o, PickEvent(rng, o.CreatedUnix), rng.Range(1, 3));
                o.Status = rng.Next(3) == 0 ? SampleOrderStatus.Cancelled : SampleOrderStatus.Refunded;
                o.Linked = true;
            }
            // An order whose email links to nobody (guest checkout without email, typo...).
            if (rng.Select(unlinkedLeft, customersLeft))
            {
                unlinkedLeft--;
                ref var o = ref c.Orders[c.OrderCount++];
                o = default;
                int day = SampleDay(rng, 0, DaysToAsOf - 2);
                o.CreatedUnix = DayToUnix(rng, day);
                SetAmount(rng, ref o, PickEvent(rng, o.CreatedUnix), rng.Range(1, 2));
                o.Status = SampleOrderStatus.Completed;
                o.Linked = false;
                o.EmailStyle = rng.Next(10) switch { < 4 => SampleEmailStyle.Null, < 5 => SampleEmailStyle.Empty, _ => SampleEmailStyle.Unknown };
                o.GuestFirst = Skewed(rng, firstNames);
                o.GuestLast = Skewed(rng, lastNames);
                o.GuestDomain = rng.Next(SampleCatalog.TypoDomains.Length);
            }

            for (int o = 0; o < c.OrderCount; o++)
            {
                ref var order = ref c.Orders[o];
                order.Ordinal = ordinal++;
                order.Humanitix = rng.Select(htxLeft, ordersLeft);
                if (order.Humanitix) htxLeft--;
                ordersLeft--;
                if (order.Linked)
                    order.EmailStyle = rng.Next(100) switch { < 88 => SampleEmailStyle.AsIs, < 94 => SampleEmailStyle.MixedCase, < 98 => SampleEmailStyle.Padded, _ => SampleEmailStyle.MixedPadded };
            }

            onCustomer(c);
        }
    }

    private static int Skewed(SampleRng rng, int n)
    {
        double u = rng.NextDouble();
        return Math.Min(n - 1, (int)(n * u * u * 0.6 + n * u * 0.4));
    }

    private static Guid NewUuid(SampleRng rng)
    {
        Span<byte> b = stackalloc byte[16];
        BitConverter.TryWriteBytes(b, rng.NextU64());
        BitConverter.TryWriteBytes(b[8..], rng.NextU64());
        b[6] = (byte)((b[6] & 0x0F) | 0x40); // version 4
        b[8] = (byte)((b[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(b, bigEndian: true);
    }

    private SampleEvent[] EventsFor(long unix)
    {
        int year = DateTimeOffset.FromUnixTimeSeconds(unix).Year;
        return _events[Math.Clamp(year, SampleCatalog.FirstYear, SampleCatalog.LastYear) - SampleCatalog.FirstYear];
    }

    private SampleEvent PickEvent(SampleRng rng, long unix)
    {
        var list = EventsFor(unix);
        return list[Skewed(rng, list.Length)];
    }

    private static void SetAmount(SampleRng rng, ref SampleOrder o, SampleEvent e, int qty)
    {
        o.Event = e;
        o.Quantity = qty;
        o.GrossCents = (long)e.PriceCents * qty;
        o.NetCents = o.GrossCents - (o.GrossCents * e.FeePerMille + 500) / 1000;
    }

    /// <summary>Builds k completed orders on the given days whose net total lands in the monetary band.</summary>
    private void RealiseMonetary(SampleRng rng, SampleCustomer c, int k, int m, int[] days)
    {
        var (lo, hi, tlo, thi) = MonetaryBand(m);
        for (int o = 0; o < k; o++)
        {
            ref var order = ref c.Orders[o];
            order = default;
            order.CreatedUnix = DayToUnix(rng, days[o]);
            order.Status = SampleOrderStatus.Completed;
            order.Linked = true;
        }
        c.OrderCount = k;
        for (int attempt = 0; attempt < 6; attempt++)
        {
            double u = rng.NextDouble();
            long target = m == 5 ? tlo + (long)((thi - tlo) * u * u) : tlo + (long)((thi - tlo) * u);
            long acc = 0;
            for (int o = 0; o < k; o++)
            {
                ref var order = ref c.Orders[o];
                var list = EventsFor(order.CreatedUnix);
                double needNet = (double)(target - acc) / (k - o);
                double g = Math.Max(needNet, 1) / 0.955;
                int ub = UpperBound(list, g);           // events priced <= g
                int lb = LowerBound(list, g / 5);       // ...and >= g/5 (at most ~5 tickets)
                SampleEvent e;
                if (ub == 0) e = list[0];
                else if (lb >= ub) e = list[rng.Next(ub)];
                else e = list[lb + rng.Next(ub - lb)];
                int qty = (int)Math.Clamp(Math.Round(g / e.PriceCents), 1, 10);
                SetAmount(rng, ref order, e, qty);
                acc += order.NetCents;
            }
            if (acc >= lo && acc < hi) return;
            if (FixLast(c, k, lo, hi, target, acc)) return;
        }
        throw new InvalidOperationException($"Could not realise monetary band {m} with {k} orders.");
    }

    /// <summary>Re-picks the last order (event and quantity) so the total lands in [lo, hi), nearest the target.</summary>
    private bool FixLast(SampleCustomer c, int k, long lo, long hi, long target, long acc)
    {
        ref var last = ref c.Orders[k - 1];
        long rest = acc - last.NetCents;
        var list = EventsFor(last.CreatedUnix);
        SampleEvent? best = null; int bestQty = 0; long bestDist = long.MaxValue;
        foreach (var e in list)
            for (int q = 1; q <= 10; q++)
            {
                long g = (long)e.PriceCents * q;
                long total = rest + g - (g * e.FeePerMille + 500) / 1000;
                if (total < lo || total >= hi) continue;
                long dist = Math.Abs(total - target) + q * 200; // prefer fewer tickets
                if (dist < bestDist) { bestDist = dist; best = e; bestQty = q; }
            }
        if (best is null) return false;
        last.Event = best;
        last.Quantity = bestQty;
        last.GrossCents = (long)best.PriceCents * bestQty;
        last.NetCents = last.GrossCents - (last.GrossCents * best.FeePerMille + 500) / 1000;
        return true;
    }

    private static int UpperBound(SampleEvent[] list, double price)
    {
        int l = 0, h = list.Length;
        while (l < h) { int mid = (l + h) >> 1; if (list[mid].PriceCents <= price) l = mid + 1; else h = mid; }
        return l;
    }

    private static int LowerBound(SampleEvent[] list, double price)
    {
        int l = 0, h = list.Length;
        while (l < h) { int mid = (l + h) >> 1; if (list[mid].PriceCents < price) l = mid + 1; else h = mid; }
        return l;
    }
}
