using System.Globalization;
using System.Text;

namespace CrmOps.Operations;

/// <summary>
/// The report's charts as inline SVG: bars, a histogram and lines, each with a viewBox (scales to a phone
/// and to paper), a title for screen readers, and data-* attributes that carry the plotted numbers (the
/// browser test reads them). No script, no external resource.
/// </summary>
public static class SvgCharts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Color(CrmSegment s) => s switch
    {
        CrmSegment.Hot => "#c0392b", CrmSegment.Warm => "#e67e22", CrmSegment.Cool => "#3b8bc2", _ => "#34495e",
    };

    private static string F(double v) => v.ToString("0.#", Inv);
    private static string E(string s) => LeadReportWriter.E(s);

    /// <summary>One horizontal bar per item, its label on the left and its value text on the right.</summary>
    public static string HorizontalBars(string id, string title, IReadOnlyList<(string Label, long Value, string Color, string Text)> items)
    {
        const double width = 640, left = 70, right = 130, row = 34;
        var height = row * items.Count + 8;
        var max = Math.Max(1, items.Count == 0 ? 1 : items.Max(i => i.Value));
        var sb = Open(id, title, width, height);
        for (var i = 0; i < items.Count; i++)
        {
            var (label, value, color, text) = items[i];
            var w = (width - left - right) * value / max;
            var y = 4 + i * row;
            sb.Append(Inv, $"<text x=\"{F(left - 8)}\" y=\"{F(y + 19)}\" text-anchor=\"end\">{E(label)}</text>")
              .Append(Inv, $"<rect class=\"bar\" data-label=\"{E(label)}\" data-value=\"{value.ToString(Inv)}\" x=\"{F(left)}\" y=\"{F(y + 3)}\" width=\"{F(Math.Max(w, value > 0 ? 1 : 0))}\" height=\"{F(row - 10)}\" rx=\"3\" fill=\"{color}\"/>")
              .Append(Inv, $"<text x=\"{F(left + w + 6)}\" y=\"{F(y + 19)}\">{E(text)}</text>\n");
        }
        return sb.Append("</svg>\n").ToString();
    }

    /// <summary>One vertical bar per score, coloured by segment, with the score under every bar.</summary>
    public static string Histogram(string id, string title, IReadOnlyList<(int Score, long Customers)> bins)
    {
        const double width = 640, height = 220, left = 44, bottom = 24, top = 10;
        var max = Math.Max(1, bins.Count == 0 ? 1 : bins.Max(b => b.Customers));
        var slot = (width - left - 4) / Math.Max(1, bins.Count);
        var plot = height - bottom - top;
        var sb = Open(id, title, width, height);
        sb.Append(Inv, $"<line class=\"axis\" x1=\"{F(left)}\" y1=\"{F(height - bottom)}\" x2=\"{F(width)}\" y2=\"{F(height - bottom)}\"/>")
          .Append(Inv, $"<text x=\"{F(left - 6)}\" y=\"{F(top + 10)}\" text-anchor=\"end\">{max.ToString("N0", Inv)}</text>")
          .Append(Inv, $"<text x=\"{F(left - 6)}\" y=\"{F(height - bottom)}\" text-anchor=\"end\">0</text>\n");
        for (var i = 0; i < bins.Count; i++)
        {
            var (score, n) = bins[i];
            var h = plot * n / max;
            var x = left + i * slot;
            var seg = LeadReports.SegmentOf(score);
            sb.Append(Inv, $"<rect class=\"bar\" data-score=\"{score}\" data-value=\"{n.ToString(Inv)}\" x=\"{F(x + 2)}\" y=\"{F(height - bottom - h)}\" width=\"{F(slot - 4)}\" height=\"{F(h)}\" fill=\"{Color(seg)}\"><title>Score {score}: {n.ToString("N0", Inv)}</title></rect>")
              .Append(Inv, $"<text x=\"{F(x + slot / 2)}\" y=\"{F(height - 8)}\" text-anchor=\"middle\">{score}</text>\n");
        }
        return sb.Append("</svg>\n").ToString();
    }

    /// <summary>One line per series over the dates, a point per value, and a legend.</summary>
    public static string Lines(string id, string title, IReadOnlyList<DateTime> dates, IReadOnlyList<(CrmSegment Segment, List<long> Values)> series)
    {
        const double width = 640, height = 240, left = 56, right = 16, top = 28, bottom = 26;
        var max = Math.Max(1, series.SelectMany(s => s.Values).DefaultIfEmpty(1).Max());
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        double X(int i) => dates.Count == 1 ? left + plotW / 2 : left + plotW * i / (dates.Count - 1);
        double Y(long v) => top + plotH - plotH * v / max;
        var sb = Open(id, title, width, height);
        sb.Append(Inv, $"<line class=\"axis\" x1=\"{F(left)}\" y1=\"{F(top + plotH)}\" x2=\"{F(width - right)}\" y2=\"{F(top + plotH)}\"/>")
          .Append(Inv, $"<text x=\"{F(left - 6)}\" y=\"{F(top + 4)}\" text-anchor=\"end\">{max.ToString("N0", Inv)}</text>")
          .Append(Inv, $"<text x=\"{F(left - 6)}\" y=\"{F(top + plotH)}\" text-anchor=\"end\">0</text>")
          .Append(Inv, $"<text x=\"{F(X(0))}\" y=\"{F(height - 8)}\" text-anchor=\"{(dates.Count == 1 ? "middle" : "start")}\">{dates[0]:yyyy-MM-dd}</text>");
        if (dates.Count > 1) sb.Append(Inv, $"<text x=\"{F(X(dates.Count - 1))}\" y=\"{F(height - 8)}\" text-anchor=\"end\">{dates[^1]:yyyy-MM-dd}</text>");
        sb.Append('\n');
        var legendX = left;
        foreach (var (segment, values) in series)
        {
            var color = Color(segment);
            sb.Append(Inv, $"<rect x=\"{F(legendX)}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{F(legendX + 16)}\" y=\"16\">{segment}</text>");
            legendX += 80;
            var points = string.Join(" ", values.Select((v, i) => $"{F(X(i))},{F(Y(v))}"));
            sb.Append(Inv, $"<polyline class=\"line\" data-segment=\"{segment}\" data-points=\"{values.Count}\" points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\"/>");
            for (var i = 0; i < values.Count; i++)
                sb.Append(Inv, $"<circle class=\"point\" data-segment=\"{segment}\" data-value=\"{values[i].ToString(Inv)}\" cx=\"{F(X(i))}\" cy=\"{F(Y(values[i]))}\" r=\"3.5\" fill=\"{color}\"><title>{segment} {dates[i]:yyyy-MM-dd}: {values[i].ToString("N0", Inv)}</title></circle>");
            sb.Append('\n');
        }
        return sb.Append("</svg>\n").ToString();
    }

    private static StringBuilder Open(string id, string title, double width, double height) =>
        new StringBuilder().Append(Inv, $"<svg class=\"chart\" id=\"{id}\" role=\"img\" aria-label=\"{E(title)}\" viewBox=\"0 0 {F(width)} {F(height)}\"><title>{E(title)}</title>\n");
}
