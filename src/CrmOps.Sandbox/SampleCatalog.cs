using System.Globalization;
using System.Text;

namespace CrmOps.Sandbox;

/// <summary>A ticketed event: sold through either platform, priced in AUD cents.</summary>
internal sealed record SampleEvent(string Name, string HumanitixId, string EventbriteId, int PriceCents, int FeePerMille, int Year);

/// <summary>Fixed vocabularies (names, domains, event templates) and the seeded event catalog.</summary>
internal static class SampleCatalog
{
    // Common names first: picks are skewed toward the front of each list.
    internal static readonly string[] FirstNames =
    {
        "Olivia", "Jack", "Charlotte", "Oliver", "Amelia", "William", "Isla", "Noah", "Mia", "James",
        "Ava", "Thomas", "Grace", "Lachlan", "Chloe", "Ethan", "Emily", "Liam", "Sophie", "Lucas",
        "Ruby", "Henry", "Matilda", "Harrison", "Zoë", "Oscar", "Hannah", "Archie", "Lily", "Hamish",
        "Sarah", "Michael", "Jessica", "Daniel", "Emma", "Benjamin", "Chloé", "Samuel", "Renée", "Joshua",
        "José", "Sofia", "Marco", "Giulia", "Dimitri", "Eleni", "Wei", "Mei", "Jun", "Xin",
        "Priya", "Raj", "Ananya", "Arjun", "Mohammed", "Fatima", "Aisha", "Omar", "Thảo", "Ngọc",
        "Minh", "Linh", "Hiroshi", "Yuki", "Min-jun", "Seo-yeon", "Aroha", "Tama", "Siobhán", "Seán",
        "Björn", "Søren", "Anaïs", "Noémie", "François", "Inés", "Maëlle", "Zoe", "Jo", "Kate",
        "Ben", "Tom", "Sam", "Alex", "Jordan", "Taylor", "Riley", "Harper", "Mackenzie", "Bronte",
    };

    internal static readonly string[] LastNames =
    {
        "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin", "White",
        "Anderson", "Walker", "Thompson", "Harris", "Lee", "Ryan", "Robinson", "Kelly", "King", "Campbell",
        "O'Brien", "O'Connor", "Nguyễn", "Trần", "Lê", "Phạm", "Smith-Jones", "Harris-Wong", "Clarke", "Mitchell",
        "Murphy", "Young", "Wright", "Hughes", "Edwards", "Stewart", "Chen", "Wang", "Li", "Zhang",
        "Liu", "Huang", "Singh", "Patel", "Kumar", "Sharma", "Papadopoulos", "Nikolaidis", "Rossi", "Russo",
        "Romano", "García", "Fernández", "Müller", "Schäfer", "Johansson", "D'Souza", "D'Angelo", "McKenzie", "MacDonald",
        "Ó Súilleabháin", "Van der Berg", "Kim", "Park", "Sato", "Tanaka", "Ahmed", "Khan", "Hussain", "Costa",
        "Silva", "Nakamura", "Te Whare", "Ngata", "Fitzgerald", "O'Neill", "Lloyd-Evans", "Brennan", "Doherty", "Gallagher",
    };

    internal static readonly string[] Domains =
    {
        "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com", "outlook.com", "hotmail.com", "icloud.com",
        "bigpond.com", "yahoo.com.au", "optusnet.com.au", "live.com.au", "outlook.com.au", "protonmail.com",
        "tpg.com.au", "iinet.net.au",
    };

    /// <summary>Misspelt domains used by the few orders whose email matches no customer.</summary>
    internal static readonly string[] TypoDomains = { "gmial.com", "gmail.con", "hotmial.com", "outlok.com", "bigpond.con", "icloud.co" };

    internal static readonly string[] FirstSlugs = FirstNames.Select(Slug).ToArray();
    internal static readonly string[] LastSlugs = LastNames.Select(Slug).ToArray();

    /// <summary>ASCII email local-part form of a name: accents stripped, apostrophes and spaces dropped.</summary>
    internal static string Slug(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            char l = char.ToLowerInvariant(c);
            if (l is >= 'a' and <= 'z' || l == '-') sb.Append(l);
            else if (l == 'ø') sb.Append('o');
        }
        return sb.ToString();
    }

    internal static readonly string[] Cities =
    {
        "Melbourne", "Sydney", "Brisbane", "Adelaide", "Perth", "Hobart", "Canberra", "Gold Coast",
        "Newcastle", "Geelong", "Darwin", "Fremantle", "Byron Bay", "Ballarat",
    };

    // (template, min price AUD, max price AUD). {c} = city, {y} = year, {v} = venue, {a} = act.
    private static readonly (string Template, int Min, int Max)[] Templates =
    {
        ("{c} Comedy Night: {a}", 22, 45),
        ("Open Mic Comedy at {v}", 19, 25),
        ("{c} Fringe Late Show: {a}", 25, 55),
        ("Trivia Night for {charity}", 20, 35),
        ("Life Drawing Session, {c}", 25, 40),
        ("Sunrise Yoga on the Beach, {c}", 22, 35),
        ("Pottery Wheel Workshop, {c}", 65, 120),
        ("Sourdough Baking Workshop, {c}", 85, 140),
        ("Craft Beer Tasting Night at {v}", 45, 75),
        ("{c} Jazz & Wine Festival {y}", 79, 149),
        ("{c} Food & Wine Weekend {y}", 59, 189),
        ("Summer Sounds Festival {c} {y}", 99, 249),
        ("Laneway Sessions {c}: {a}", 49, 99),
        ("Writers' Festival Gala Dinner {y}", 95, 185),
        ("Tech Leaders Summit {c} {y}", 249, 349),
        ("Marketing Masterclass {c}", 149, 299),
        ("Small Business Conference {c} {y}", 199, 349),
        ("Harbour Sunset Cruise", 69, 129),
    };

    private static readonly string[] Acts = { "Laugh Lines", "The Late Shift", "Stand-Up Sundays", "Dad Jokes Unplugged", "Best of the Fest", "Fresh Faces", "The Roast", "Midnight Madness" };
    private static readonly string[] Venues = { "The Corner Hotel", "The Tote", "Oxford Art Factory", "The Zoo", "Jive", "Rosemount Hotel", "The Republic", "Black Bear Lodge" };
    private static readonly string[] Charities = { "the Royal Flying Doctor Service", "Beyond Blue", "OzHarvest", "the Smith Family", "Camp Quality", "the local SES" };

    internal const int FirstYear = 2021, LastYear = 2025, EventsPerYear = 36;

    /// <summary>Events per year (index year - FirstYear), each list sorted by price ascending.</summary>
    internal static SampleEvent[][] BuildEvents(SampleRng rng)
    {
        var years = new SampleEvent[LastYear - FirstYear + 1][];
        for (int y = FirstYear; y <= LastYear; y++)
        {
            var list = new List<SampleEvent>(EventsPerYear);
            for (int k = 0; k < EventsPerYear; k++)
            {
                var (template, min, max) = Templates[k % Templates.Length];
                string city = template.StartsWith("Harbour", StringComparison.Ordinal) ? "Sydney" : Cities[rng.Next(Cities.Length)];
                string name = template
                    .Replace("{c}", city).Replace("{y}", y.ToString(CultureInfo.InvariantCulture))
                    .Replace("{a}", Acts[rng.Next(Acts.Length)]).Replace("{v}", Venues[rng.Next(Venues.Length)])
                    .Replace("{charity}", Charities[rng.Next(Charities.Length)]);
                int dollars = rng.Range(min, max);
                int cents = rng.Next(3) switch { 0 => 0, 1 => 50, _ => 0 };
                if (dollars >= 40 && rng.Next(2) == 0) dollars = dollars / 10 * 10 + 9; // 49, 129, 249...
                dollars = Math.Clamp(dollars, 19, 349);
                string htxId = rng.NextU64().ToString("x16", CultureInfo.InvariantCulture) + ((uint)rng.NextU64()).ToString("x8", CultureInfo.InvariantCulture);
                string ebId = (100_000_000_000L + rng.NextLong(899_999_999_999L)).ToString(CultureInfo.InvariantCulture);
                list.Add(new SampleEvent(name, htxId, ebId, dollars * 100 + cents, rng.Range(30, 60), y));
            }
            years[y - FirstYear] = list.OrderBy(e => e.PriceCents).ThenBy(e => e.Name, StringComparer.Ordinal).ToArray();
        }
        return years;
    }
}
