using System.Globalization;
using CrmOps.Errors;

namespace CrmOps.Scheduling;

/// <summary>
/// A pg_cron schedule, parsed the way pg_cron parses it (Paul Vixie's cron, src/entry.c): five fields
/// (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or jan-dec, day of week 0-7 or sun-sat; 7 is
/// Sunday), each a list of numbers, ranges a-b, '*', with /step after a range or '*'; the macros
/// @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly. pg_cron 1.5 and later also take
/// '$' (last day of the month) as the day of month and 'N seconds' (1-59). Day of month and day of week
/// combine as in cron: when both are restricted (neither starts with '*'), either one matching is enough.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] DowNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public string Text { get; }
    /// <summary>An interval schedule ('30 seconds', pg_cron 1.5+); 0 for a cron expression.</summary>
    public int Seconds { get; }
    private readonly bool[] _minute = new bool[60], _hour = new bool[24], _dom = new bool[32], _month = new bool[13], _dow = new bool[8];
    private bool _lastDayOfMonth;
    private bool _domStar, _dowStar;
    private readonly string[] _fields = [];

    private CronSchedule(string text, int seconds) { Text = text; Seconds = seconds; }

    private CronSchedule(string text, string[] fields)
    {
        Text = text;
        _fields = fields;
    }

    /// <summary>The five fields of a cron expression (macros expanded); empty for an interval.</summary>
    public IReadOnlyList<string> Fields => _fields;

    /// <summary>
    /// Parses and checks a schedule; <paramref name="extended"/> allows what pg_cron 1.5+ adds ('$', 'N seconds').
    /// Throws a CrmException (CronInvalid) naming the field at fault.
    /// </summary>
    public static CronSchedule Parse(string? text, bool extended = true)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0) throw Invalid(text, "it is empty");
        var parts = t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 2 && parts[1].ToLowerInvariant() is "second" or "seconds")
        {
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s is < 1 or > 59)
                throw Invalid(text, "an interval in seconds must be from 1 to 59 seconds");
            if (!extended)
                throw Invalid(text, "intervals in seconds need pg_cron 1.5 or later; this server's pg_cron runs jobs at most once a minute", "CronNeedsNewerPgCron");
            return new CronSchedule($"{s} seconds", s);
        }
        if (parts.Length == 1 && parts[0].StartsWith('@'))
        {
            var fields = parts[0].ToLowerInvariant() switch
            {
                "@yearly" or "@annually" => "0 0 1 1 *",
                "@monthly" => "0 0 1 * *",
                "@weekly" => "0 0 * * 0",
                "@daily" or "@midnight" => "0 0 * * *",
                "@hourly" => "0 * * * *",
                "@reboot" or "@restart" => throw Invalid(text, "@reboot runs a job when the server starts, not on a schedule"),
                _ => throw Invalid(text, $"unknown macro {parts[0]} (use @yearly, @monthly, @weekly, @daily or @hourly)"),
            };
            var expanded = Parse(fields, extended);
            return new CronSchedule(parts[0].ToLowerInvariant(), expanded._fields).CopyFrom(expanded);
        }
        if (parts.Length != 5)
            throw Invalid(text, $"it has {parts.Length} field(s); a cron expression has 5: minute hour day-of-month month day-of-week (e.g. '0 2 * * *' for 02:00 every day)");
        var c = new CronSchedule(string.Join(' ', parts), parts);
        c.ParseField(text, parts[0], "minute", c._minute, 0, 59, null, extended);
        c.ParseField(text, parts[1], "hour", c._hour, 0, 23, null, extended);
        c._domStar = parts[2].StartsWith('*');
        c.ParseField(text, parts[2], "day of month", c._dom, 1, 31, null, extended);
        c.ParseField(text, parts[3], "month", c._month, 1, 12, MonthNames, extended);
        c._dowStar = parts[4].StartsWith('*');
        c.ParseField(text, parts[4], "day of week", c._dow, 0, 7, DowNames, extended);
        if (c._dow[7]) c._dow[0] = true;
        if (c._dow[0]) c._dow[7] = true;
        return c;
    }

    private CronSchedule CopyFrom(CronSchedule other)
    {
        Array.Copy(other._minute, _minute, 60); Array.Copy(other._hour, _hour, 24); Array.Copy(other._dom, _dom, 32);
        Array.Copy(other._month, _month, 13); Array.Copy(other._dow, _dow, 8);
        _domStar = other._domStar; _dowStar = other._dowStar; _lastDayOfMonth = other._lastDayOfMonth;
        return this;
    }

    private void ParseField(string? text, string field, string what, bool[] bits, int low, int high, string[]? names, bool extended)
    {
        foreach (var item in field.Split(','))
        {
            if (item.Length == 0) throw Invalid(text, $"the {what} field '{field}' has an empty list item");
            if (item == "$" && what == "day of month")
            {
                if (!extended) throw Invalid(text, "'$' (last day of the month) needs pg_cron 1.5 or later", "CronNeedsNewerPgCron");
                _lastDayOfMonth = true;
                continue;
            }
            var slash = item.IndexOf('/');
            var range = slash < 0 ? item : item[..slash];
            int from, to, step = 1;
            if (range == "*") { from = low; to = high; }
            else
            {
                var dash = range.IndexOf('-');
                from = Number(text, dash < 0 ? range : range[..dash], what, field, low, high, names);
                if (dash < 0)
                {
                    if (slash >= 0) throw Invalid(text, $"the {what} field '{field}' has a step after a single value ('{item}'); write a range: '{from}-{high}/{item[(slash + 1)..]}'");
                    bits[from] = true;
                    continue;
                }
                to = Number(text, range[(dash + 1)..], what, field, low, high, names);
            }
            if (slash >= 0 && (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0))
                throw Invalid(text, $"the {what} field '{field}' has a step that is not a positive number ('{item}')");
            for (var i = from; i <= to; i += step) bits[i] = true;
        }
    }

    private static int Number(string? text, string s, string what, string field, int low, int high, string[]? names)
    {
        if (names != null)
        {
            var i = Array.FindIndex(names, n => string.Equals(n, s, StringComparison.OrdinalIgnoreCase));
            if (i >= 0) return i + (what == "month" ? 1 : 0);
        }
        if (s.Length == 0 || !s.All(char.IsAsciiDigit) || !int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            throw Invalid(text, $"the {what} field '{field}' has '{s}', which is not a number" + (names != null ? $" or a name ({string.Join(", ", names)})" : ""));
        if (n < low || n > high) throw Invalid(text, $"the {what} field '{field}' has {n}, outside {low}-{high}");
        return n;
    }

    private static CrmException Invalid(string? text, string why, string id = "CronInvalid") =>
        new(id, CrmErrorKind.InvalidArgument, $"'{text}' is not a pg_cron schedule: {why}.", text);

    /// <summary>Whether the schedule fires at this minute (a wall-clock time in pg_cron's time zone).</summary>
    public bool Matches(DateTime local)
    {
        if (Seconds > 0) return true;
        if (!_minute[local.Minute] || !_hour[local.Hour] || !_month[local.Month]) return false;
        var dom = _dom[local.Day] || (_lastDayOfMonth && local.Day == DateTime.DaysInMonth(local.Year, local.Month));
        var dow = _dow[(int)local.DayOfWeek];
        return _domStar || _dowStar ? dom && dow : dom || dow;
    }

    /// <summary>The first instant after <paramref name="after"/> at which pg_cron, reading the schedule in <paramref name="zone"/>, starts the job; null when none in 5 years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        if (Seconds > 0) return after.AddSeconds(Seconds);
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var end = t.AddYears(5);
        while (t < end)
        {
            if (!_month[t.Month]) { t = new DateTime(t.Year, t.Month, 1).AddMonths(1); continue; }
            var domOk = _dom[t.Day] || (_lastDayOfMonth && t.Day == DateTime.DaysInMonth(t.Year, t.Month));
            var dowOk = _dow[(int)t.DayOfWeek];
            if (!(_domStar || _dowStar ? domOk && dowOk : domOk || dowOk)) { t = t.Date.AddDays(1); continue; }
            if (!_hour[t.Hour]) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!_minute[t.Minute]) { t = t.AddMinutes(1); continue; }
            if (!zone.IsInvalidTime(t)) return new DateTimeOffset(t, zone.GetUtcOffset(t));
            t = t.AddMinutes(1);
        }
        return null;
    }

    /// <summary>
    /// The same schedule written for pg_cron's time zone <paramref name="to"/> when it was meant in
    /// <paramref name="from"/>, using the zones' offsets at the next run (a fixed shift: pg_cron itself does
    /// not follow another zone's daylight saving). Shifts the minute and hour fields, and the day of week when a
    /// run moves to the day before or after. Throws CronTimeZoneShift where no cron expression says the same
    /// (steps or '*' in the hour field with a shift, a shift that moves some runs to another day of the month).
    /// </summary>
    public (CronSchedule Shifted, TimeSpan Offset) ShiftZone(TimeZoneInfo from, TimeZoneInfo to, DateTimeOffset now)
    {
        if (Seconds > 0) return (this, TimeSpan.Zero);
        var next = NextAfter(now, from) ?? now;
        var delta = from.GetUtcOffset(next) - to.GetUtcOffset(next);
        if (delta == TimeSpan.Zero) return (this, delta);
        var shiftMinutes = (int)delta.TotalMinutes;
        var minutes = Enumerable.Range(0, 60).Where(m => _minute[m]).ToArray();
        var hours = Enumerable.Range(0, 24).Where(h => _hour[h]).ToArray();
        var minuteShift = ((shiftMinutes % 60) + 60) % 60;
        var hourShift = (shiftMinutes - minuteShift) / 60; // whole hours, rounded down
        // Minutes: m - minuteShift, borrowing an hour when it goes below 0; the borrow must be the same for all.
        string minuteField;
        var borrow = 0;
        if (minuteShift == 0 || minutes.Length == 60)
        {
            if (minuteShift != 0 && hours.Length < 24)
                throw Refuse(from, to, delta, "it runs every minute of some hours, and the shift is not a whole number of hours");
            minuteField = _fields[0];
        }
        else
        {
            var borrows = minutes.Select(m => m - minuteShift < 0 ? 1 : 0).Distinct().ToArray();
            if (borrows.Length > 1) throw Refuse(from, to, delta, "its minutes do not all move within the same hour");
            borrow = borrows[0];
            minuteField = string.Join(',', minutes.Select(m => ((m - minuteShift) % 60 + 60) % 60).OrderBy(m => m));
        }
        var totalHourShift = hourShift + borrow;
        string hourField;
        int[] dayMoves;
        if (hours.Length == 24)
        {
            hourField = _fields[1];
            dayMoves = [0];
        }
        else
        {
            if (_fields[1].Contains('/') || _fields[1].Contains('*'))
                throw Refuse(from, to, delta, $"its hour field '{_fields[1]}' is a step; write the hours out (e.g. '1,7,13,19')");
            var moved = hours.Select(h => h - totalHourShift).ToArray();
            dayMoves = moved.Select(h => h < 0 ? -1 : h > 23 ? 1 : 0).Distinct().ToArray();
            hourField = string.Join(',', moved.Select(h => ((h % 24) + 24) % 24).OrderBy(h => h));
        }
        var dow = _fields[4];
        var dayRestricted = !(_fields[2] == "*" && _fields[3] == "*" && _fields[4] == "*");
        if (dayRestricted && dayMoves.Any(d => d != 0))
        {
            if (dayMoves.Length > 1 || _fields[2] != "*" || _lastDayOfMonth)
                throw Refuse(from, to, delta, "some runs move to another day and its days are restricted");
            var days = Enumerable.Range(0, 7).Where(d => _dow[d]).Select(d => ((d + dayMoves[0]) % 7 + 7) % 7).OrderBy(d => d);
            dow = string.Join(',', days);
        }
        var text = string.Join(' ', minuteField, hourField, _fields[2], _fields[3], dow);
        return (Parse(text), delta);
    }

    private CrmException Refuse(TimeZoneInfo from, TimeZoneInfo to, TimeSpan delta, string why) =>
        new("CronTimeZoneShift", CrmErrorKind.InvalidArgument,
            $"'{Text}' in {from.Id} cannot be rewritten for pg_cron's time zone {to.Id} ({(delta < TimeSpan.Zero ? "-" : "+")}{delta.Duration():hh\\:mm}): {why}. " +
            $"Write -Cron in {to.Id} and leave out -TimeZone.", Text);

    public override string ToString() => Text;
}
