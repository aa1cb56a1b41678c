using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Operations;

/// <summary>The lead-score reports: the distribution, the customers of a segment (streamed), a customer's timeline.</summary>
public static class LeadReports
{
    public static readonly IReadOnlyDictionary<CrmSegment, (int Min, int Max)> SegmentRanges = new Dictionary<CrmSegment, (int, int)>
    {
        [CrmSegment.Hot] = (24, 30), [CrmSegment.Warm] = (18, 23), [CrmSegment.Cool] = (12, 17), [CrmSegment.Cold] = (6, 11),
    };

    public static CrmSegment SegmentOf(int score) =>
        score >= 24 ? CrmSegment.Hot : score >= 18 ? CrmSegment.Warm : score >= 12 ? CrmSegment.Cool : CrmSegment.Cold;

    public static IReadOnlyList<CrmSegmentSummary> Distribution(CrmConnection target) =>
        Db.ReadOnly(target, (conn, tx) =>
        {
            RequireScoring(conn, tx, target);
            var list = new List<CrmSegmentSummary>();
            using var cmd = new NpgsqlCommand(SqlText.Get("Operations/distribution.sql"), conn, tx) { CommandTimeout = 0 };
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new CrmSegmentSummary
                {
                    Segment = Enum.Parse<CrmSegment>(r.GetString(0)), MinScore = r.GetInt32(1), MaxScore = r.GetInt32(2),
                    Customers = r.GetInt64(3), Percent = r.GetDecimal(4), AverageScore = r.IsDBNull(5) ? null : r.GetDecimal(5),
                    LowestScore = r.IsDBNull(6) ? null : r.GetInt32(6), HighestScore = r.IsDBNull(7) ? null : r.GetInt32(7),
                });
            return list;
        }, "Reading the lead-score distribution");

    /// <summary>The scores a segment selection and a minimum score allow.</summary>
    public static int[] Scores(IEnumerable<CrmSegment>? segments, int? minScore)
    {
        var chosen = segments?.Distinct().ToArray() is { Length: > 0 } s ? s : Enum.GetValues<CrmSegment>();
        return chosen.SelectMany(seg => Enumerable.Range(SegmentRanges[seg].Min, SegmentRanges[seg].Max - SegmentRanges[seg].Min + 1))
            .Where(score => minScore is null || score >= minScore).OrderByDescending(x => x).ToArray();
    }

    /// <summary>
    /// Customers of the chosen segments, best first, streamed row by row from the server inside a
    /// read-only transaction. Stopping early (Select-Object -First) cancels the query on the server
    /// instead of draining the rest of the result.
    /// </summary>
    public static IEnumerable<CrmLead> Leads(CrmConnection target, IEnumerable<CrmSegment>? segments, int? minScore, int? top,
        CancellationToken cancel = default)
    {
        if (top is <= 0) throw new CrmException("TopOutOfRange", CrmErrorKind.InvalidArgument, "-Top must be a positive number.");
        if (minScore is < 0 or > 30) throw new CrmException("MinScoreOutOfRange", CrmErrorKind.InvalidArgument, "-MinScore must be from 0 to 30.");
        return Stream(target, "Reading leads", (conn, tx) =>
        {
            RequireScoring(conn, tx, target);
            var cmd = new NpgsqlCommand(SqlText.Get("Operations/leads.sql"), conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.Add(new NpgsqlParameter("scores", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = Scores(segments, minScore) });
            cmd.Parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Bigint) { Value = top is null ? DBNull.Value : (long)top });
            return cmd;
        }, r =>
        {
            var score = r.GetInt32(3);
            return new CrmLead
            {
                CustomerId = r.GetGuid(0), FullName = r.GetString(1), Email = r.IsDBNull(2) ? null : r.GetString(2),
                LeadScore = score, Segment = SegmentOf(score),
                Recency = r.GetInt32(4), Frequency = r.GetInt32(5), Monetary = r.GetInt32(6),
                LifetimeOrders = r.GetInt32(7), LifetimeNet = r.GetDecimal(8),
                LastOrderAt = r.IsDBNull(9) ? null : new Timestamp(r.GetFieldValue<DateTimeOffset>(9)),
                LastScoredAt = r.IsDBNull(10) ? null : new Timestamp(r.GetFieldValue<DateTimeOffset>(10)),
            };
        }, cancel);
    }

    /// <summary>Writes the leads straight to a CSV file with COPY (header, ISO dates), the fast path for big exports.</summary>
    public static long ExportLeads(CrmConnection target, IEnumerable<CrmSegment>? segments, int? minScore, int? top, string path,
        CancellationToken cancel = default)
    {
        var scores = string.Join(",", Scores(segments, minScore));
        var limit = top is > 0 ? $" LIMIT {top.Value}" : "";
        // COPY takes no parameters: the only values spliced in are integers computed here.
        var query = SqlText.Get("Operations/leads-export.sql").Replace("@scores", "ARRAY[" + scores + "]::int[]").Replace("@limit", limit);
        try
        {
            using var conn = target.Open();
            using var registration = cancel.Register(() => { try { conn.Close(); } catch { } });
            using var tx = conn.BeginTransaction();
            Db.Exec(conn, tx, "SET TRANSACTION READ ONLY");
            Db.Exec(conn, tx, "SET LOCAL TimeZone = 'UTC'");
            RequireScoring(conn, tx, target);
            long rows = 0;
            var temp = path + ".partial";
            using (var reader = conn.BeginTextExport($"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)"))
            using (var file = new StreamWriter(temp, append: false, new System.Text.UTF8Encoding(false), 1 << 16))
            {
                var buffer = new char[1 << 16];
                int n;
                while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
                {
                    file.Write(buffer, 0, n);
                    rows += buffer.AsSpan(0, n).Count('\n');
                }
            }
            tx.Commit();
            File.Move(temp, path, overwrite: true);
            return Math.Max(0, rows - 1);
        }
        catch (Exception ex) when (ex is not CrmException)
        {
            try { File.Delete(path + ".partial"); } catch { }
            if (ex is IOException or UnauthorizedAccessException)
                throw new CrmException("ExportFileFailed", CrmErrorKind.InvalidArgument, $"Cannot write '{path}': {ConnectionFactory.FirstLine(ex.Message)}", path);
            throw Db.Translate(ex, target, "Exporting leads");
        }
    }

    public static IEnumerable<CrmActivity> Timeline(CrmConnection target, Guid customerId, int? last, CancellationToken cancel = default)
    {
        if (last is <= 0) throw new CrmException("LastOutOfRange", CrmErrorKind.InvalidArgument, "-Last must be a positive number.");
        return Stream(target, "Reading the customer timeline", (conn, tx) =>
        {
            if (!Db.Scalar<bool>(conn, tx, "SELECT to_regclass('public.customer_activity_timeline') IS NOT NULL"))
                throw new CrmException("TimelineNotInstalled", CrmErrorKind.ObjectNotFound,
                    $"customer_activity_timeline does not exist on {target.Host}:{target.Port}/{target.Database}. Apply the built-in migrations first: Invoke-CrmMigration -BuiltIn.")
                { RecommendedAction = "Invoke-CrmMigration -BuiltIn" };
            var cmd = new NpgsqlCommand(SqlText.Get("Operations/timeline.sql"), conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("customer_id", customerId);
            cmd.Parameters.Add(new NpgsqlParameter("last", NpgsqlDbType.Bigint) { Value = last is null ? DBNull.Value : (long)last });
            return cmd;
        }, r => new CrmActivity
        {
            CustomerId = r.GetGuid(0), ActivityType = r.GetString(1), CreatedAt = new Timestamp(r.GetFieldValue<DateTimeOffset>(2)),
            EventName = r.IsDBNull(3) ? null : r.GetString(3), Amount = r.IsDBNull(4) ? null : r.GetDecimal(4),
            Source = r.IsDBNull(5) ? null : r.GetString(5), Status = r.IsDBNull(6) ? null : r.GetString(6),
            PurchaserName = r.IsDBNull(7) ? null : r.GetString(7), OrderId = r.IsDBNull(8) ? null : r.GetString(8),
        }, cancel);
    }

    /// <summary>
    /// Streams a query's rows inside a READ ONLY transaction. When the consumer stops early, the
    /// command is cancelled on the server before the reader is disposed (disposing alone would drain it).
    /// </summary>
    private static IEnumerable<T> Stream<T>(CrmConnection target, string what,
        Func<NpgsqlConnection, NpgsqlTransaction, NpgsqlCommand> prepare, Func<NpgsqlDataReader, T> map, CancellationToken cancel)
    {
        NpgsqlConnection? conn = null;
        NpgsqlTransaction? tx = null;
        NpgsqlCommand? cmd = null;
        NpgsqlDataReader? reader = null;
        var completed = false;
        try
        {
            try
            {
                conn = target.Open();
                tx = conn.BeginTransaction();
                Db.Exec(conn, tx, "SET TRANSACTION READ ONLY");
                cmd = prepare(conn, tx);
                reader = cmd.ExecuteReader();
            }
            catch (Exception ex) when (ex is not CrmException) { throw Db.Translate(ex, target, what); }

            using var registration = cancel.Register(() => { try { cmd.Cancel(); } catch { } });
            while (true)
            {
                T item;
                try
                {
                    if (!reader.Read()) break;
                    item = map(reader);
                }
                catch (Exception ex) when (ex is not CrmException)
                {
                    cancel.ThrowIfCancellationRequested();
                    throw Db.Translate(ex, target, what);
                }
                yield return item;
            }
            completed = true;
        }
        finally
        {
            if (!completed && cmd != null && reader is { IsClosed: false })
            {
                try { cmd.Cancel(); } catch { /* best effort */ }
            }
            try { reader?.Dispose(); } catch { /* cancelled */ }
            try { if (completed) tx?.Commit(); else tx?.Rollback(); } catch { /* connection may be broken by the cancel */ }
            cmd?.Dispose();
            conn?.Dispose();
        }
    }

    internal static void RequireScoring(NpgsqlConnection conn, NpgsqlTransaction? tx, CrmConnection target)
    {
        if (!Db.Scalar<bool>(conn, tx,
                "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('public.customer_profiles') AND attname = 'lead_score' AND NOT attisdropped)"))
            throw new CrmException("ScoringNotInstalled", CrmErrorKind.ObjectNotFound,
                $"customer_profiles on {target.Host}:{target.Port}/{target.Database} has no lead_score column. Apply the built-in migrations first: Invoke-CrmMigration -BuiltIn.")
            { RecommendedAction = "Invoke-CrmMigration -BuiltIn" };
    }
}
