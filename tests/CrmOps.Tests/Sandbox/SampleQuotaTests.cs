using System.Security.Cryptography;
using System.Text;
using CrmOps.Sandbox;
using Xunit;

namespace CrmOps.Tests.Sandbox;

public class SampleQuotaTests
{
    [Fact]
    public void DefaultQuotaReproducesTheSeedDistribution()
    {
        var s = SampleQuota.Summary(SampleDataDefaults.DefaultCustomers);
        Assert.Equal(20, s.Hot);
        Assert.Equal(653, s.Warm);
        Assert.Equal(1148, s.Cool);
        Assert.Equal(7548, s.Cold);
        Assert.Equal(10.06m, s.Avg);
        Assert.Equal(8, s.Min);
        Assert.Equal(28, s.Max);
        Assert.Equal(SampleDataDefaults.DefaultCustomers, SampleQuota.CountsFor(SampleDataDefaults.DefaultCustomers).Sum());
    }

    [Theory]
    [InlineData(50_000)]
    [InlineData(1_000_000)]
    public void ScaledQuotaKeepsTheShares(int n)
    {
        var s = SampleQuota.Summary(n);
        Assert.Equal(n, s.Hot + s.Warm + s.Cool + s.Cold);
        const double N0 = SampleDataDefaults.DefaultCustomers;
        Assert.InRange(100.0 * s.Hot / n, 100 * 20 / N0 - 1, 100 * 20 / N0 + 1);
        Assert.InRange(100.0 * s.Warm / n, 100 * 653 / N0 - 1, 100 * 653 / N0 + 1);
        Assert.InRange(100.0 * s.Cool / n, 100 * 1148 / N0 - 1, 100 * 1148 / N0 + 1);
        Assert.InRange(100.0 * s.Cold / n, 100 * 7548 / N0 - 1, 100 * 7548 / N0 + 1);
        Assert.InRange(s.Avg, 10.0m, 10.12m);
    }

    [Fact]
    public void GeneratorRealisesTheIntendedProfilesAndVolumes()
    {
        var g = new SampleDataGenerator();
        var profiles = g.Profiles().ToList();
        var asOf = SampleDataDefaults.AsOf.ToUnixTimeSeconds();
        long htx = 0, total = 0, linked = 0, unlinked = 0, i = 0;
        long minTs = long.MaxValue, maxTs = long.MinValue;
        var segments = new Dictionary<string, int>();
        g.Run(c =>
        {
            Assert.Equal(profiles[(int)i++], c.Profile);
            var scored = Score(c, asOf);
            Assert.Equal(c.Profile, scored);
            segments[scored.Segment] = segments.GetValueOrDefault(scored.Segment) + 1;
            for (int o = 0; o < c.OrderCount; o++)
            {
                var order = c.Orders[o];
                total++;
                if (order.Humanitix) htx++;
                if (order.Linked) linked++; else unlinked++;
                minTs = Math.Min(minTs, order.CreatedUnix);
                maxTs = Math.Max(maxTs, order.CreatedUnix);
            }
        });
        Assert.Equal(2178, htx);
        Assert.Equal(11864, total);
        Assert.Equal(11825, linked);
        Assert.Equal(39, unlinked);
        Assert.Equal(20, segments["Hot"]);
        Assert.Equal(653, segments["Warm"]);
        Assert.Equal(1148, segments["Cool"]);
        Assert.Equal(7548, segments["Cold"]);
        var min = DateTimeOffset.FromUnixTimeSeconds(minTs);
        var max = DateTimeOffset.FromUnixTimeSeconds(maxTs);
        Assert.Equal((2021, 4), (min.Year, min.Month));
        Assert.Equal((2025, 10), (max.Year, max.Month));
        Assert.True(max < SampleDataDefaults.AsOf);
    }

    /// <summary>The spec's RFM rules applied to the generated metrics.</summary>
    internal static RfmProfile Score(SampleCustomer c, long asOf)
    {
        const long Day = 86_400;
        byte r = c.LifetimeOrders == 0 ? (byte)1
            : c.LastOrderUnix >= asOf - 30 * Day ? (byte)5 : c.LastOrderUnix >= asOf - 60 * Day ? (byte)4
            : c.LastOrderUnix >= asOf - 90 * Day ? (byte)3 : c.LastOrderUnix >= asOf - 180 * Day ? (byte)2 : (byte)1;
        byte f = c.LifetimeOrders >= 10 ? (byte)5 : c.LifetimeOrders >= 5 ? (byte)4 : c.LifetimeOrders >= 3 ? (byte)3 : c.LifetimeOrders >= 1 ? (byte)2 : (byte)1;
        long net = c.LifetimeNetCents;
        byte m = net >= 100_000 ? (byte)5 : net >= 50_000 ? (byte)4 : net >= 20_000 ? (byte)3 : net >= 5_000 ? (byte)2 : (byte)1;
        return new RfmProfile(r, f, m);
    }

    private static string Digest(int n, int seed)
    {
        var sb = new StringBuilder();
        new SampleDataGenerator(n, seed).Run(c =>
        {
            sb.Append(c.Id).Append(c.FullName).Append(c.Email).Append(c.PhoneDigits).Append(c.CreatedUnix)
              .Append(c.LifetimeNetCents).Append('|');
            for (int o = 0; o < c.OrderCount; o++)
            {
                var x = c.Orders[o];
                sb.Append(x.Ordinal).Append(x.Humanitix).Append(x.Event.Name).Append(x.Quantity).Append(x.GrossCents)
                  .Append(x.NetCents).Append(x.CreatedUnix).Append((int)x.Status).Append((int)x.EmailStyle).Append(';');
            }
        });
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    [Fact]
    public void SameSeedSameData_OtherSeedOtherData()
    {
        var a = Digest(500, 7);
        Assert.Equal(a, Digest(500, 7));
        Assert.NotEqual(a, Digest(500, 8));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1234)]
    [InlineData(50_000)]
    public void OtherSizesRealiseTheirProfilesAndCounts(int n)
    {
        var g = new SampleDataGenerator(n, 42);
        var asOf = SampleDataDefaults.AsOf.ToUnixTimeSeconds();
        long total = 0, htx = 0, customers = 0;
        g.Run(c =>
        {
            customers++;
            Assert.Equal(c.Profile, Score(c, asOf));
            total += c.OrderCount;
            for (int o = 0; o < c.OrderCount; o++) if (c.Orders[o].Humanitix) htx++;
        });
        Assert.Equal(n, customers);
        Assert.Equal(g.TotalOrders, total);
        Assert.Equal(g.HumanitixOrders, htx);
    }
}
