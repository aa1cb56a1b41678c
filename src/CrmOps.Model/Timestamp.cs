using System.Globalization;

namespace CrmOps;

/// <summary>
/// The type of every date property of CrmOps' output: a UTC instant that scripts use as a DateTimeOffset (the same
/// properties and methods: AddDays, Year, ToUnixTimeSeconds...; comparison and subtraction with DateTimeOffset,
/// DateTime and date strings; [datetime] and [datetimeoffset] casts; Get-Date -Date; Sort-Object) and that prints as
/// ISO 8601 (2025-10-15T03:04:05Z) whatever the culture, so that Export-Csv, ConvertTo-Csv and string interpolation
/// give a date every tool reads. (A plain DateTimeOffset exports in the current culture's format: 15.10.2025 under
/// de-DE.) The same approach as dbatools' DbaDateTime. <see cref="Value"/> is the plain DateTimeOffset.
/// </summary>
public readonly struct Timestamp : IComparable, IComparable<Timestamp>, IComparable<DateTimeOffset>, IEquatable<Timestamp>,
    IEquatable<DateTimeOffset>, IFormattable
{
    /// <summary>The ISO 8601 form every Timestamp prints as (UTC, whole seconds).</summary>
    public const string IsoFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>The instant as a plain DateTimeOffset (offset zero).</summary>
    public DateTimeOffset Value { get; }

    public Timestamp(DateTimeOffset value) => Value = value.ToUniversalTime();
    public Timestamp(DateTime value) => Value = value.Kind == DateTimeKind.Unspecified
        ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc))
        : new DateTimeOffset(value).ToUniversalTime();

    // ---- DateTimeOffset's properties

    public DateTime Date => Value.Date;
    public DateTime DateTime => Value.DateTime;
    public DateTime UtcDateTime => Value.UtcDateTime;
    public DateTime LocalDateTime => Value.LocalDateTime;
    public int Year => Value.Year;
    public int Month => Value.Month;
    public int Day => Value.Day;
    public int Hour => Value.Hour;
    public int Minute => Value.Minute;
    public int Second => Value.Second;
    public int Millisecond => Value.Millisecond;
    public DayOfWeek DayOfWeek => Value.DayOfWeek;
    public int DayOfYear => Value.DayOfYear;
    public TimeSpan TimeOfDay => Value.TimeOfDay;
    public TimeSpan Offset => Value.Offset;
    public long Ticks => Value.Ticks;
    public long UtcTicks => Value.UtcTicks;

    // ---- DateTimeOffset's methods (arithmetic keeps the type, so the result prints the same way)

    public Timestamp Add(TimeSpan value) => new(Value.Add(value));
    public Timestamp AddYears(int value) => new(Value.AddYears(value));
    public Timestamp AddMonths(int value) => new(Value.AddMonths(value));
    public Timestamp AddDays(double value) => new(Value.AddDays(value));
    public Timestamp AddHours(double value) => new(Value.AddHours(value));
    public Timestamp AddMinutes(double value) => new(Value.AddMinutes(value));
    public Timestamp AddSeconds(double value) => new(Value.AddSeconds(value));
    public Timestamp AddMilliseconds(double value) => new(Value.AddMilliseconds(value));
    public Timestamp AddTicks(long value) => new(Value.AddTicks(value));
    public TimeSpan Subtract(DateTimeOffset value) => Value.Subtract(value);
    public Timestamp Subtract(TimeSpan value) => new(Value.Subtract(value));
    public Timestamp ToUniversalTime() => this;
    public DateTimeOffset ToLocalTime() => Value.ToLocalTime();
    public DateTimeOffset ToOffset(TimeSpan offset) => Value.ToOffset(offset);
    public long ToUnixTimeSeconds() => Value.ToUnixTimeSeconds();
    public long ToUnixTimeMilliseconds() => Value.ToUnixTimeMilliseconds();
    public long ToFileTime() => Value.ToFileTime();
    public bool EqualsExact(DateTimeOffset other) => Value.EqualsExact(other);

    // ---- conversions (PowerShell uses these for casts, parameter binding and comparisons)

    public static implicit operator DateTimeOffset(Timestamp t) => t.Value;
    public static implicit operator DateTime(Timestamp t) => t.Value.UtcDateTime;
    public static implicit operator Timestamp(DateTimeOffset d) => new(d);
    public static implicit operator Timestamp(DateTime d) => new(d);

    /// <summary>Reads a date as DateTimeOffset does (invariant culture; no offset means UTC): '2025-10-15', '2025-10-15T03:04:05+10:00'.</summary>
    public static Timestamp Parse(string s) => Parse(s, CultureInfo.InvariantCulture);
    public static Timestamp Parse(string s, IFormatProvider? provider) =>
        new(DateTimeOffset.Parse(s, provider ?? CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
    public static bool TryParse(string? s, out Timestamp result)
    {
        var ok = DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d);
        result = ok ? new Timestamp(d) : default;
        return ok;
    }

    // ---- comparison and arithmetic

    public int CompareTo(Timestamp other) => Value.CompareTo(other.Value);
    public int CompareTo(DateTimeOffset other) => Value.CompareTo(other);
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Timestamp t => CompareTo(t),
        DateTimeOffset d => Value.CompareTo(d),
        DateTime d => CompareTo(new Timestamp(d)),
        string s when TryParse(s, out var t) => CompareTo(t),
        _ => throw new ArgumentException("Object is not a Timestamp, DateTime, DateTimeOffset or date string."),
    };
    public bool Equals(Timestamp other) => Value.Equals(other.Value);
    public bool Equals(DateTimeOffset other) => Value.Equals(other);
    public override bool Equals(object? obj) => obj switch
    {
        Timestamp t => Equals(t),
        DateTimeOffset d => Value.Equals(d),
        DateTime d => Equals(new Timestamp(d)),
        _ => false,
    };
    // DateTimeOffset hashes its UTC instant: a Timestamp and an equal DateTimeOffset hash alike.
    public override int GetHashCode() => Value.GetHashCode();

    public static bool operator ==(Timestamp a, Timestamp b) => a.Equals(b);
    public static bool operator !=(Timestamp a, Timestamp b) => !a.Equals(b);
    public static bool operator <(Timestamp a, Timestamp b) => a.CompareTo(b) < 0;
    public static bool operator >(Timestamp a, Timestamp b) => a.CompareTo(b) > 0;
    public static bool operator <=(Timestamp a, Timestamp b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Timestamp a, Timestamp b) => a.CompareTo(b) >= 0;
    public static Timestamp operator +(Timestamp a, TimeSpan b) => a.Add(b);
    public static Timestamp operator -(Timestamp a, TimeSpan b) => a.Subtract(b);
    public static TimeSpan operator -(Timestamp a, Timestamp b) => a.Value - b.Value;
    public static TimeSpan operator -(Timestamp a, DateTimeOffset b) => a.Value - b;
    public static TimeSpan operator -(DateTimeOffset a, Timestamp b) => a - b.Value;

    // ---- text: ISO 8601 by default, whatever the culture; an explicit format is DateTimeOffset's

    public override string ToString() => Iso;
    public string ToString(string? format) => ToString(format, null);
    public string ToString(IFormatProvider? formatProvider) => ToString(null, formatProvider);
    private string Iso => Value.UtcDateTime.ToString(IsoFormat, CultureInfo.InvariantCulture);
    /// <summary>No format: ISO 8601 (the culture does not matter). A format: as DateTimeOffset formats it, in the provider's culture (invariant when none).</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => string.IsNullOrEmpty(format)
        ? Iso
        : Value.ToString(format, formatProvider ?? CultureInfo.InvariantCulture);
}
