namespace CrmOps.Catalog;

/// <summary>
/// "Did you mean ...?": ranks known names by closeness to what was typed: case-insensitive
/// edit distance (with transpositions), helped by a shared prefix or containment.
/// </summary>
public static class NameSuggester
{
    public static IReadOnlyList<string> Suggest(string typed, IEnumerable<string> candidates, int max = 3)
    {
        if (string.IsNullOrEmpty(typed)) return [];
        var t = typed.ToLowerInvariant();
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Score: Score(t, c.ToLowerInvariant())))
            .Where(x => x.Score.HasValue)
            .OrderBy(x => x.Score!.Value)
            .ThenBy(x => Math.Abs(x.Name.Length - typed.Length))
            .ThenBy(x => Distance(typed, x.Name)) // on a tie, the name in the case that was typed
            .ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Name)
            .ToList();
    }

    /// <summary>Lower is closer; null when too far to be worth suggesting.</summary>
    internal static double? Score(string typed, string candidate)
    {
        // Compare the unqualified part when the candidate is schema-qualified and the input is not.
        var bare = !typed.Contains('.') && candidate.Contains('.') ? candidate[(candidate.IndexOf('.') + 1)..] : candidate;
        var distance = Distance(typed, bare);
        var shorter = Math.Min(typed.Length, bare.Length);
        var limit = shorter < 6 ? 1 : Math.Max(2, shorter / 4);
        double score = distance;
        var related = bare.StartsWith(typed, StringComparison.Ordinal) || typed.StartsWith(bare, StringComparison.Ordinal);
        if (related) score -= 0.5;
        else if (typed.Length >= 4 && (bare.Contains(typed, StringComparison.Ordinal) || typed.Contains(bare, StringComparison.Ordinal))) score -= 0.25;
        if (!ReferenceEquals(bare, candidate)) score += 0.1; // prefer same-schema names on ties
        if (distance <= limit || (related && Math.Min(typed.Length, bare.Length) >= 3)) return score;
        return null;
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                d[i, j] = v;
            }
        return d[a.Length, b.Length];
    }
}
