using System.Globalization;
using System.Text;
using CrmOps.Connections;
using CrmOps.Errors;

namespace CrmOps.Operations;

public sealed class LeadReportOptions
{
    /// <summary>The instant the report is about: the trend ends there and the default window of movements is the 7 days before it. Default: the latest scoring run's as-of instant.</summary>
    public DateTimeOffset? AsOf { get; init; }
    /// <summary>Movements since (the last run as of this instant or earlier). Default: 7 days before AsOf.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Rows of the top-leads table, and at most this many rows in each movement table.</summary>
    public int Top { get; init; } = 25;
}

/// <summary>
/// Export-CrmLeadReport's work: one self-contained HTML file (inline CSS and SVG, no script, no request
/// leaves the page) built from the same core calls as the commands (distribution, histogram, trend,
/// movements, top leads), so the page's numbers equal the commands' output. Charts are inline SVG drawn
/// here (<see cref="SvgCharts"/>); every value from the database is HTML-encoded.
/// </summary>
public static class LeadReportWriter
{
    public static FileInfo Export(CrmConnection connection, string path, LeadReportOptions options, CancellationToken cancel = default)
    {
        if (options.Top is < 1 or > 10_000) throw new CrmException("TopOutOfRange", CrmErrorKind.InvalidArgument, "-Top must be from 1 to 10,000.");
        var (database, latest) = LeadMovements.Source(connection);
        var asOf = (options.AsOf ?? latest ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var since = (options.Since ?? asOf.AddDays(-7)).ToUniversalTime();
        if (since > asOf) throw new CrmException("ReportSinceAfterAsOf", CrmErrorKind.InvalidArgument, $"-Since ({since:u}) is after -AsOf ({asOf:u}).");

        var distribution = LeadReports.Distribution(connection);
        var histogram = LeadMovements.Histogram(connection);
        var trend = LeadMovements.Trend(connection, asOf.AddDays(-90), CrmTrendInterval.Day).Where(t => t.AsOf <= asOf).ToList();
        var baseline = new MovementBaseline(since);
        List<CrmLeadMovement> newlyHot = [], slipping = [];
        long newlyHotCount = 0, slippingCount = 0;
        var recorded = true;
        try
        {
            foreach (var m in LeadMovements.Movements(connection, baseline, null, null, cancel))
            {
                if (m.ToSegment == CrmSegment.Hot) { newlyHotCount++; if (newlyHot.Count < options.Top) newlyHot.Add(m); }
                else if (m.Direction == CrmMovementDirection.Down) { slippingCount++; if (slipping.Count < options.Top) slipping.Add(m); }
            }
        }
        catch (CrmException e) when (e.ErrorId == "ScoreChangesNotRecorded") { recorded = false; }
        var top = LeadReports.Leads(connection, null, null, options.Top, cancel).ToList();

        var html = Render(new ReportData(connection.Host, connection.Port, database, DateTimeOffset.UtcNow, latest, asOf, since,
            distribution, histogram, trend, newlyHot, newlyHotCount, slipping, slippingCount, top, recorded));
        try
        {
            var full = Path.GetFullPath(path);
            var temp = full + ".partial";
            File.WriteAllText(temp, html, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
            return new FileInfo(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new CrmException("ReportFileFailed", CrmErrorKind.InvalidArgument, $"Cannot write '{path}': {ConnectionFactory.FirstLine(ex.Message)}", path);
        }
    }

    internal sealed record ReportData(string Host, int Port, string Database, DateTimeOffset GeneratedAt, DateTimeOffset? LatestRun,
        DateTimeOffset AsOf, DateTimeOffset Since, IReadOnlyList<CrmSegmentSummary> Distribution, IReadOnlyList<(int Score, long Customers)> Histogram,
        IReadOnlyList<CrmSegmentTrend> Trend, IReadOnlyList<CrmLeadMovement> NewlyHot, long NewlyHotCount,
        IReadOnlyList<CrmLeadMovement> Slipping, long SlippingCount, IReadOnlyList<CrmLead> Top, bool ChangesRecorded);

    /// <summary>HTML-escapes text for element content and attribute values: &amp; &lt; &gt; &quot; &#39;, nothing else (UTF-8 stays as it is).</summary>
    internal static string E(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
            sb.Append(c switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", '"' => "&quot;", '\'' => "&#39;", _ => c.ToString() });
        return sb.ToString();
    }
    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    private static string D(DateTimeOffset d) => d.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    private static string Day(DateTimeOffset? d) => d is { } x ? x.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";

    internal static string Render(ReportData d)
    {
        var sb = new StringBuilder(64 * 1024);
        var title = $"Lead report: {d.Database}";
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          // No request may leave the page: nothing but inline styles and images is allowed.
          .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
          .Append("<title>").Append(E(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n");
        sb.Append("<header><h1>Lead report</h1><p class=\"meta\" id=\"source\">Database <strong>").Append(E(d.Database)).Append("</strong> on ")
          .Append(E(d.Host)).Append(':').Append(d.Port.ToString(CultureInfo.InvariantCulture))
          .Append(" &middot; scores as of <strong>").Append(d.LatestRun is { } latestRun ? E(D(latestRun)) : "never scored").Append("</strong>")
          .Append(" &middot; movements since ").Append(E(Day(d.Since)))
          .Append(" &middot; generated <time id=\"generated\" datetime=\"").Append(d.GeneratedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)).Append("\">")
          .Append(E(D(d.GeneratedAt))).Append("</time></p></header>\n");

        // Segment distribution
        var total = d.Distribution.Sum(s => s.Customers);
        sb.Append("<section id=\"distribution\"><h2>Segments</h2><p class=\"note\">").Append(N(total)).Append(" scored customers.</p>\n");
        sb.Append(SvgCharts.HorizontalBars("chart-segments", "Customers per segment",
            d.Distribution.Select(s => (s.Segment.ToString(), s.Customers, SvgCharts.Color(s.Segment), $"{N(s.Customers)} ({s.Percent.ToString(CultureInfo.InvariantCulture)}%)")).ToList()));
        sb.Append("<div class=\"scroll\"><table id=\"table-segments\"><thead><tr><th>Segment</th><th>Scores</th><th class=\"n\">Customers</th><th class=\"n\">%</th><th class=\"n\">Average</th></tr></thead><tbody>\n");
        foreach (var s in d.Distribution)
            sb.Append("<tr><td>").Append(Badge(s.Segment)).Append("</td><td>").Append(s.MinScore).Append("&ndash;").Append(s.MaxScore)
              .Append("</td><td class=\"n\">").Append(N(s.Customers)).Append("</td><td class=\"n\">").Append(s.Percent.ToString(CultureInfo.InvariantCulture))
              .Append("</td><td class=\"n\">").Append(s.AverageScore?.ToString(CultureInfo.InvariantCulture) ?? "").Append("</td></tr>\n");
        sb.Append("</tbody></table></div></section>\n");

        // Histogram
        sb.Append("<section id=\"histogram\"><h2>Scores</h2><p class=\"note\">Customers per lead score, 6 to 30.</p>\n");
        sb.Append(SvgCharts.Histogram("chart-histogram", "Customers per lead score", d.Histogram)).Append("</section>\n");

        // Trend
        sb.Append("<section id=\"trend\"><h2>Segment sizes over time</h2>");
        var dates = d.Trend.Select(t => t.Date).Distinct().OrderBy(x => x).ToList();
        if (dates.Count == 0) sb.Append("<p class=\"note\">No scoring run is logged yet.</p>");
        else
        {
            sb.Append("<p class=\"note\">The last scoring run of each day, ").Append(dates.Count).Append(dates.Count == 1 ? " day" : " days").Append(".</p>\n");
            sb.Append(SvgCharts.Lines("chart-trend", "Customers per segment by day", dates,
                Enum.GetValues<CrmSegment>().Select(seg => (seg, d.Trend.Where(t => t.Segment == seg).OrderBy(t => t.Date).Select(t => t.Customers).ToList())).ToList()));
            sb.Append("<div class=\"scroll\"><table id=\"table-trend\"><thead><tr><th>Day</th>");
            foreach (var seg in Enum.GetValues<CrmSegment>()) sb.Append("<th class=\"n\">").Append(seg).Append("</th>");
            sb.Append("</tr></thead><tbody>\n");
            foreach (var date in dates)
            {
                sb.Append("<tr><td>").Append(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</td>");
                foreach (var seg in Enum.GetValues<CrmSegment>())
                {
                    var p = d.Trend.First(t => t.Date == date && t.Segment == seg);
                    sb.Append("<td class=\"n\">").Append(N(p.Customers));
                    if (p.Change is { } c && c != 0) sb.Append(" <small>").Append(c > 0 ? "+" : "&minus;").Append(N(Math.Abs(c))).Append("</small>");
                    sb.Append("</td>");
                }
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody></table></div>");
        }
        sb.Append("</section>\n");

        // Movements
        var noLog = d.ChangesRecorded ? null : "<p class=\"note\">No score changes are recorded yet (they are recorded by every Update-CrmLeadScore run).</p>";
        sb.Append("<section id=\"newly-hot\"><h2>Newly Hot</h2><p class=\"note\">").Append(N(d.NewlyHotCount))
          .Append(" customers are Hot now and were not after the scoring as of ").Append(E(Day(d.Since))).Append(" or before")
          .Append(d.NewlyHotCount > d.NewlyHot.Count ? $"; the first {d.NewlyHot.Count} are shown" : "").Append(".</p>").Append(noLog);
        Movements(sb, "table-newly-hot", d.NewlyHot);
        sb.Append("</section>\n<section id=\"slipping\"><h2>Slipping</h2><p class=\"note\">").Append(N(d.SlippingCount))
          .Append(" customers moved to a lower segment since ").Append(E(Day(d.Since)))
          .Append(d.SlippingCount > d.Slipping.Count ? $"; the first {d.Slipping.Count} are shown" : "").Append(".</p>").Append(noLog);
        Movements(sb, "table-slipping", d.Slipping);
        sb.Append("</section>\n");

        // Top leads
        sb.Append("<section id=\"top-leads\"><h2>Top leads</h2><div class=\"scroll\"><table id=\"table-top-leads\"><thead><tr><th>#</th><th>Customer</th><th>Email</th><th class=\"n\">Score</th><th>Segment</th><th class=\"n\">Orders</th><th class=\"n\">Lifetime net</th><th>Last order</th></tr></thead><tbody>\n");
        var rank = 0;
        foreach (var l in d.Top)
            sb.Append("<tr><td>").Append(++rank).Append("</td><td>").Append(E(l.FullName)).Append("</td><td>").Append(E(l.Email))
              .Append("</td><td class=\"n\">").Append(l.LeadScore).Append("</td><td>").Append(Badge(l.Segment)).Append("</td><td class=\"n\">").Append(N(l.LifetimeOrders))
              .Append("</td><td class=\"n\">").Append(l.LifetimeNet.ToString("N2", CultureInfo.InvariantCulture)).Append("</td><td>")
              .Append(E(Day(l.LastOrderAt?.Value))).Append("</td></tr>\n");
        sb.Append("</tbody></table></div></section>\n");
        sb.Append("<footer>CrmOps &middot; Export-CrmLeadReport. Segments: Hot 24&ndash;30, Warm 18&ndash;23, Cool 12&ndash;17, Cold 6&ndash;11.</footer>\n</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static string Badge(CrmSegment s) => $"<span class=\"seg seg-{s.ToString().ToLowerInvariant()}\">{s}</span>";

    private static void Movements(StringBuilder sb, string id, IReadOnlyList<CrmLeadMovement> rows)
    {
        sb.Append("<div class=\"scroll\"><table id=\"").Append(id).Append("\"><thead><tr><th>Customer</th><th>Email</th><th>From</th><th>To</th><th class=\"n\">Score</th><th class=\"n\">Lifetime net</th><th>Last order</th></tr></thead><tbody>\n");
        foreach (var m in rows)
            sb.Append("<tr><td>").Append(E(m.FullName)).Append("</td><td>").Append(E(m.Email)).Append("</td><td>")
              .Append(m.FromSegment is { } f ? Badge(f) : "&ndash;").Append("</td><td>").Append(Badge(m.ToSegment)).Append("</td><td class=\"n\">")
              .Append(m.FromScore?.ToString(CultureInfo.InvariantCulture) ?? "&ndash;").Append(" &rarr; ").Append(m.ToScore)
              .Append("</td><td class=\"n\">").Append(m.LifetimeNet.ToString("N2", CultureInfo.InvariantCulture)).Append("</td><td>")
              .Append(E(Day(m.LastOrderAt?.Value))).Append("</td></tr>\n");
        sb.Append("</tbody></table></div>");
    }

    private const string Css = """
        :root { --fg: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #fff; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #f5f7fa; }
        main { max-width: 980px; margin: 0 auto; padding: 16px; }
        header h1 { margin: 8px 0 4px; font-size: 1.6em; }
        .meta, .note { color: var(--muted); margin: 4px 0 10px; }
        section { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 14px 0; }
        h2 { font-size: 1.15em; margin: 4px 0 6px; }
        svg.chart { width: 100%; height: auto; display: block; margin: 6px 0 10px; }
        svg.chart text { font: 12px system-ui, sans-serif; fill: var(--fg); }
        svg.chart .axis { stroke: var(--line); }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
        th { color: var(--muted); font-weight: 600; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        td small { color: var(--muted); }
        .seg { display: inline-block; padding: 0 7px; border-radius: 9px; color: #fff; font-size: 0.85em; }
        .seg-hot { background: #c0392b; } .seg-warm { background: #e67e22; } .seg-cool { background: #3b8bc2; } .seg-cold { background: #34495e; }
        footer { color: var(--muted); font-size: 0.85em; margin: 12px 0 24px; }
        @media (max-width: 600px) { main { padding: 8px; } section { padding: 8px; } th, td { padding: 3px 5px; } }
        @media print { body { background: #fff; } section { break-inside: avoid; border: none; padding: 0; } .scroll { overflow: visible; } th, td { white-space: normal; } }

        """;
}
