using System.Globalization;

namespace CrmOps;

/// <summary>
/// A UTC instant that prints as ISO 8601 (2025-10-15T03:04:05Z) whatever the culture, so that
/// Export-Csv and string interpolation give a date a marketing tool can import. Converts implicitly
/// to and from DateTime and DateTimeOffset, and compares with both in PowerShell (-lt, Sort-Object).
/// </summary>
public readonly struct Timestamp : IComparable, IComparable<Timestamp>, IEquatable<Timestamp>, IFormattable
{
    public DateTimeOffset Value { get; }

    public Timestamp(DateTimeOffset value) => Value = value.ToUniversalTime();
    public Timestamp(DateTime value) => Value = value.Kind == DateTimeKind.Unspecified
        ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc))
        : new DateTimeOffset(value).ToUniversalTime();

    public DateTime UtcDateTime => Value.UtcDateTime;
    public DateTime LocalDateTime => Value.LocalDateTime;
    public DateTime Date => Value.UtcDateTime.Date;

    public static implicit operator DateTimeOffset(Timestamp t) => t.Value;
    public static implicit operator DateTime(Timestamp t) => t.Value.UtcDateTime;
    public static implicit operator Timestamp(DateTimeOffset d) => new(d);
    public static implicit operator Timestamp(DateTime d) => new(d);

    public int CompareTo(Timestamp other) => Value.CompareTo(other.Value);
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Timestamp t => CompareTo(t),
        DateTimeOffset d => Value.CompareTo(d),
        DateTime d => CompareTo(new Timestamp(d)),
        _ => throw new ArgumentException("Object is not a Timestamp, DateTime or DateTimeOffset."),
    };
    public bool Equals(Timestamp other) => Value.Equals(other.Value);
    public override bool Equals(object? obj) => obj is Timestamp t && Equals(t);
    public override int GetHashCode() => Value.GetHashCode();
    public static bool operator ==(Timestamp a, Timestamp b) => a.Equals(b);
    public static bool operator !=(Timestamp a, Timestamp b) => !a.Equals(b);
    public static bool operator <(Timestamp a, Timestamp b) => a.CompareTo(b) < 0;
    public static bool operator >(Timestamp a, Timestamp b) => a.CompareTo(b) > 0;
    public static bool operator <=(Timestamp a, Timestamp b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Timestamp a, Timestamp b) => a.CompareTo(b) >= 0;

    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);
    public string ToString(string? format, IFormatProvider? formatProvider) =>
        Value.UtcDateTime.ToString(string.IsNullOrEmpty(format) ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : format, CultureInfo.InvariantCulture);
}
