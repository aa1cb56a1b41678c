using System.Globalization;
using System.Management.Automation;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Every TimeSpan parameter of CrmOps carries this: a bare number is seconds (5, 0.5, '5'), a TimeSpan or
/// '00:00:05' is taken as it is, and the value must lie in [Minimum, Maximum] seconds. Without it PowerShell turns 5
/// into 5 ticks, and a lock_timeout of 0 ms means "wait forever" to PostgreSQL.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsAttribute : ArgumentTransformationAttribute
{
    public SecondsAttribute(double minimum, double maximum)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>Smallest allowed value in seconds; 0 with <see cref="MinimumExclusive"/> means "more than zero".</summary>
    public double Minimum { get; }
    public double Maximum { get; }
    public bool MinimumExclusive { get; init; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        TimeSpan span = value switch
        {
            TimeSpan t => t,
            int i => TimeSpan.FromSeconds(i),
            long l => TimeSpan.FromSeconds(l),
            double d => TimeSpan.FromSeconds(d),
            decimal m => TimeSpan.FromSeconds((double)m),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => TimeSpan.FromSeconds(d),
            string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t) => t,
            _ => throw new ArgumentTransformationMetadataException(
                $"'{value}' is not a duration: give seconds (5, 0.5) or a TimeSpan ('00:00:05')."),
        };
        var seconds = span.TotalSeconds;
        if (seconds < Minimum || (MinimumExclusive && seconds <= Minimum) || seconds > Maximum)
            throw new ArgumentTransformationMetadataException(
                $"{Describe(seconds)} is out of range: the value must be {(MinimumExclusive ? "more than" : "at least")} {Describe(Minimum)} and at most {Describe(Maximum)}" +
                (MinimumExclusive && Minimum == 0 ? " (0 would mean no limit at all to PostgreSQL)." : "."));
        return span;
    }

    private static string Describe(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
