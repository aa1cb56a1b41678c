namespace CrmOps.Sandbox;

/// <summary>An intended RFM profile: recency, frequency and monetary points, 1..5 each.</summary>
internal readonly record struct RfmProfile(byte R, byte F, byte M)
{
    public int Score => 3 * R + 2 * F + M;

    public string Segment => Score >= 24 ? "Hot" : Score >= 18 ? "Warm" : Score >= 12 ? "Cool" : "Cold";
}

/// <summary>
/// The quota table: how many customers get each (R,F,M) profile. At the default size it reproduces
/// the seed's lead-score distribution exactly (Hot 20, Warm 653, Cool 1,148, Cold 7,548; average
/// 10.06; min 8; max 28); other sizes keep the shares (largest-remainder apportionment).
/// </summary>
internal static class SampleQuota
{
    internal static readonly (RfmProfile Profile, int Count)[] DefaultCells =
    {
        // Hot (20): recent, frequent or big spenders.
        (new(5, 4, 5), 1), (new(5, 4, 4), 2), (new(5, 3, 5), 2), (new(5, 3, 4), 3),
        (new(5, 2, 5), 4), (new(4, 4, 4), 2), (new(5, 3, 3), 6),
        // Warm (653): mostly one recent order.
        (new(5, 2, 1), 150), (new(5, 2, 2), 170), (new(5, 2, 3), 60), (new(5, 2, 4), 20),
        (new(4, 2, 2), 90), (new(4, 2, 3), 40), (new(4, 2, 4), 15), (new(4, 2, 5), 5),
        (new(4, 3, 2), 15), (new(4, 3, 3), 10), (new(3, 3, 3), 25), (new(3, 4, 3), 10),
        (new(3, 2, 5), 8), (new(2, 4, 4), 10), (new(2, 5, 3), 5), (new(1, 5, 5), 3),
        (new(5, 3, 2), 10), (new(3, 4, 4), 7),
        // Cool (1,148).
        (new(4, 2, 1), 60), (new(3, 2, 1), 90), (new(3, 2, 2), 80), (new(3, 2, 3), 30),
        (new(3, 2, 4), 10), (new(2, 2, 2), 300), (new(2, 2, 3), 150), (new(2, 2, 4), 40),
        (new(2, 2, 5), 10), (new(2, 3, 2), 40), (new(2, 3, 3), 30), (new(1, 3, 3), 120),
        (new(1, 3, 4), 30), (new(1, 4, 2), 40), (new(1, 4, 3), 40), (new(1, 4, 4), 15),
        (new(1, 5, 3), 8), (new(1, 2, 5), 35), (new(3, 3, 2), 20),
        // Cold (7,548): one old, cheap order for most.
        (new(1, 2, 1), 4145), (new(1, 2, 2), 2503), (new(1, 2, 3), 400), (new(1, 2, 4), 100),
        (new(1, 3, 2), 150), (new(2, 2, 1), 250),
    };

    /// <summary>Customers per cell for n customers (largest remainder; exact at the default size).</summary>
    internal static int[] CountsFor(int n)
    {
        var cells = DefaultCells;
        long total = 0;
        foreach (var c in cells) total += c.Count;
        var counts = new int[cells.Length];
        var rem = new long[cells.Length];
        long assigned = 0;
        for (int i = 0; i < cells.Length; i++)
        {
            long num = (long)cells[i].Count * n;
            counts[i] = (int)(num / total);
            rem[i] = num % total;
            assigned += counts[i];
        }
        var order = Enumerable.Range(0, cells.Length)
            .OrderByDescending(i => rem[i]).ThenByDescending(i => cells[i].Count).ThenBy(i => i).ToArray();
        for (int k = 0; assigned < n; k++, assigned++) counts[order[k % order.Length]]++;
        return counts;
    }

    /// <summary>Proportional share of a default figure for n customers (round half up).</summary>
    internal static long Scale(long defaultValue, int n) =>
        (defaultValue * n * 2 + SampleDataDefaults.DefaultCustomers) / (2L * SampleDataDefaults.DefaultCustomers);

    /// <summary>Segment counts, average and range implied by the quota table for n customers.</summary>
    internal static (int Hot, int Warm, int Cool, int Cold, decimal Avg, int Min, int Max) Summary(int n)
    {
        var counts = CountsFor(n);
        int hot = 0, warm = 0, cool = 0, cold = 0, min = int.MaxValue, max = int.MinValue;
        long sum = 0, total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0) continue;
            var p = DefaultCells[i].Profile;
            int s = p.Score;
            switch (p.Segment) { case "Hot": hot += counts[i]; break; case "Warm": warm += counts[i]; break; case "Cool": cool += counts[i]; break; default: cold += counts[i]; break; }
            sum += (long)s * counts[i]; total += counts[i];
            min = Math.Min(min, s); max = Math.Max(max, s);
        }
        return (hot, warm, cool, cold, Math.Round((decimal)sum / total, 2, MidpointRounding.AwayFromZero), min, max);
    }
}
