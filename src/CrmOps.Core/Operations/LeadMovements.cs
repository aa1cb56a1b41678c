using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Operations;

/// <summary>Where a movement report starts: an instant (the last run as of then or earlier) or one run (by its start).</summary>
public sealed record MovementBaseline(DateTimeOffset Since, DateTimeOffset? RunStarted = null);

/// <summary>
/// Who moved between segments (from the score change log, written by every scoring run) and how the segments' sizes
/// moved over time (from the scoring runs): the tables <see cref="Bookkeeping.Bookkeeping.Locate"/> finds.
/// </summary>
public static class LeadMovements
{
    private static readonly string[] SegmentNames = Enum.GetNames<CrmSegment>();

    /// <summary>
    /// Customers whose segment now differs from their segment after the baseline run, streamed, best news first.
    /// </summary>
    public static IEnumerable<CrmLeadMovement> Movements(CrmConnection connection, MovementBaseline baseline,
        IEnumerable<CrmSegment>? from, IEnumerable<CrmSegment>? to, CancellationToken cancel = default)
    {
        DateTimeOffset? baseAsOf = null;
        return LeadReports.Stream(connection, "Reading lead movements", (conn, tx) =>
        {
            LeadReports.RequireScoring(conn, tx, connection);
            var (changes, runs) = RequireLog(conn, tx, connection);
            DateTimeOffset? baseStarted = null;
            using (var b = new NpgsqlCommand(SqlText.Fill("Operations/movement-baseline.sql", ("scoring_runs", runs)), conn, tx))
            {
                b.Parameters.AddWithValue("since", baseline.Since.ToUniversalTime());
                b.Parameters.Add(new NpgsqlParameter("run_started", NpgsqlDbType.TimestampTz) { Value = (object?)baseline.RunStarted?.ToUniversalTime() ?? DBNull.Value });
                using var r = b.ExecuteReader();
                if (r.Read()) { baseAsOf = r.GetFieldValue<DateTimeOffset>(0); baseStarted = r.GetFieldValue<DateTimeOffset>(1); }
            }
            if (baseAsOf is null && baseline.RunStarted is { } rs)
                throw new CrmException("ScoringRunNotFound", CrmErrorKind.ObjectNotFound,
                    $"No succeeded scoring run started at {rs:O} on {connection.Host}:{connection.Port}/{connection.Database}. See Get-CrmScoringHistory.", rs);
            var cmd = new NpgsqlCommand(SqlText.Fill("Operations/movement.sql", ("score_changes", changes)), conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.Add(new NpgsqlParameter("base_as_of", NpgsqlDbType.TimestampTz) { Value = (object?)baseAsOf ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("base_started", NpgsqlDbType.TimestampTz) { Value = (object?)baseStarted ?? DBNull.Value });
            cmd.Parameters.Add(Names("from", from));
            cmd.Parameters.Add(Names("to", to));
            return cmd;
        }, r =>
        {
            var fromSegment = r.StringOrNull(3) is { } f ? Enum.Parse<CrmSegment>(f) : (CrmSegment?)null;
            var toSegment = Enum.Parse<CrmSegment>(r.GetString(5));
            return new CrmLeadMovement
            {
                CustomerId = r.GetGuid(0), FullName = r.GetString(1), Email = r.StringOrNull(2),
                FromSegment = fromSegment, FromScore = r.ValueOrNull<int>(4), ToSegment = toSegment, ToScore = r.GetInt32(6),
                Direction = fromSegment is null || toSegment < fromSegment ? CrmMovementDirection.Up : CrmMovementDirection.Down,
                Since = baseAsOf, ChangedAsOf = r.GetFieldValue<DateTimeOffset>(7), LifetimeNet = r.GetDecimal(8),
                LastOrderAt = r.ValueOrNull<DateTimeOffset>(9) is { } t ? new Timestamp(t) : null,
            };
        }, cancel);
    }

    /// <summary>Segment sizes per interval (the last run of each), from <paramref name="since"/> on, oldest first.</summary>
    public static IReadOnlyList<CrmSegmentTrend> Trend(CrmConnection connection, DateTimeOffset since, CrmTrendInterval interval) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            var list = new List<CrmSegmentTrend>();
            if (LogTables(conn, tx).ScoringRuns is not { } runs) return list;
            using var cmd = new NpgsqlCommand(SqlText.Fill("Operations/trend.sql", ("scoring_runs", runs)), conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("interval", interval.ToString().ToLowerInvariant());
            cmd.Parameters.AddWithValue("since", since.ToUniversalTime());
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new CrmSegmentTrend
                {
                    Date = DateTime.SpecifyKind(r.GetDateTime(0), DateTimeKind.Utc), Interval = interval, AsOf = r.GetFieldValue<DateTimeOffset>(1),
                    Segment = Enum.Parse<CrmSegment>(r.GetString(2)), Customers = r.GetInt64(3), Change = r.ValueOrNull<long>(4),
                });
            return list;
        }, "Reading the lead-score trend");

    /// <summary>Customers per score, 6 to 30.</summary>
    public static IReadOnlyList<(int Score, long Customers)> Histogram(CrmConnection connection) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            LeadReports.RequireScoring(conn, tx, connection);
            var list = new List<(int, long)>();
            using var cmd = new NpgsqlCommand(SqlText.Get("Operations/histogram.sql"), conn, tx) { CommandTimeout = 0 };
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add((r.GetInt32(0), r.GetInt64(1)));
            return list;
        }, "Reading the lead-score histogram");

    /// <summary>The database's name and the as-of instant of the latest succeeded run (null when none is logged).</summary>
    internal static (string Database, DateTimeOffset? LatestAsOf) Source(CrmConnection connection) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            if (LogTables(conn, tx).ScoringRuns is not { } runs) return (connection.Database, (DateTimeOffset?)null);
            using var cmd = new NpgsqlCommand(SqlText.Fill("Operations/report-source.sql", ("scoring_runs", runs)), conn, tx);
            using var r = cmd.ExecuteReader();
            r.Read();
            return (r.GetString(0), r.ValueOrNull<DateTimeOffset>(1));
        }, "Reading the scoring log");

    private static NpgsqlParameter Names(string name, IEnumerable<CrmSegment>? segments) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = segments?.Distinct().Select(s => s.ToString()).ToArray() is { Length: > 0 } a ? a : DBNull.Value,
        };

    /// <summary>The change log and the scoring runs to read (null where there is none yet).</summary>
    private static (string? ScoreChanges, string? ScoringRuns) LogTables(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        var s = Bookkeeping.Bookkeeping.LocateReadable(conn, tx, "Reading the scoring log");
        return (s.ScoreChangesTable, s.ScoringRunsTable);
    }

    private static (string ScoreChanges, string ScoringRuns) RequireLog(NpgsqlConnection conn, NpgsqlTransaction tx, CrmConnection connection)
    {
        if (LogTables(conn, tx) is (string changes, string runs)) return (changes, runs);
        throw new CrmException("ScoreChangesNotRecorded", CrmErrorKind.ObjectNotFound,
            $"No score changes are recorded on {connection.Host}:{connection.Port}/{connection.Database} yet: run Update-CrmLeadScore (or apply the built-in migrations) first.")
        { RecommendedAction = "Update-CrmLeadScore" };
    }
}
