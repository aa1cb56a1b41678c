namespace CrmOps.Sandbox;

/// <summary>
/// xoshiro256** seeded through SplitMix64: fast, and (unlike System.Random) guaranteed to give the
/// same sequence on every .NET version, so a seed always yields the same database.
/// </summary>
internal sealed class SampleRng
{
    private ulong _s0, _s1, _s2, _s3;

    public SampleRng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextU64()
    {
        ulong result = RotL(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotL(_s3, 45);
        return result;
    }

    private static ulong RotL(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform in [0, n), n &gt; 0 (multiply-shift; bias is negligible for our n).</summary>
    public int Next(int n) => (int)(((NextU64() >> 32) * (ulong)(uint)n) >> 32);

    /// <summary>Uniform in [0, n) for large n.</summary>
    public long NextLong(long n) => (long)Math.BigMul(NextU64(), (ulong)n, out _);

    /// <summary>Uniform in [lo, hi] inclusive.</summary>
    public int Range(int lo, int hi) => lo + Next(hi - lo + 1);

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (NextU64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability k/n (selection sampling: exactly k picks in n trials).</summary>
    public bool Select(long k, long n) => k > 0 && (k >= n || NextLong(n) < k);

    public static ulong Mix(ulong a, ulong b)
    {
        ulong x = a ^ (b * 0x9E3779B97F4A7C15UL);
        return SplitMix(ref x);
    }
}
