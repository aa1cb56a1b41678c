using System.Globalization;

namespace CrmOps.Hosting;

/// <summary>Values as people read them in messages and check results (culture-independent).</summary>
public static class Words
{
    /// <summary>A duration in its largest units: "1 day", "1 day 6 hours", "90 minutes" → "1 hour 30 minutes", "45 seconds", "0.5 seconds".</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) return "-" + Duration(span.Negate());
        if (span.TotalSeconds < 60)
            return span.TotalSeconds == Math.Floor(span.TotalSeconds)
                ? Unit((long)span.TotalSeconds, "second")
                : span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " seconds";
        (long Value, string Name)[] parts =
        [
            ((long)span.TotalDays, "day"), (span.Hours, "hour"), (span.Minutes, "minute"), (span.Seconds, "second"),
        ];
        var shown = parts.SkipWhile(p => p.Value == 0).Take(2).Where(p => p.Value != 0).Select(p => Unit(p.Value, p.Name));
        return string.Join(" ", shown);
    }

    private static string Unit(long value, string name) =>
        value.ToString("N0", CultureInfo.InvariantCulture) + " " + name + (value == 1 ? "" : "s");
}
