using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Migrations;
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

    public static IReadOnlyList<CrmSegmentSummary> Distribution(CrmConnection connection) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            RequireScoring(conn, tx, connection);
            var list = new List<CrmSegmentSummary>();
            using var cmd = new NpgsqlCommand(SqlText.Get("Operations/distribution.sql"), conn, tx) { CommandTimeout = 0 };
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new CrmSegmentSummary
                {
                    Segment = Enum.Parse<CrmSegment>(r.GetString(0)), MinScore = r.GetInt32(1), MaxScore = r.GetInt32(2),
                    Customers = r.GetInt64(3), Percent = r.GetDecimal(4), AverageScore = r.ValueOrNull<decimal>(5),
                    LowestScore = r.ValueOrNull<int>(6), HighestScore = r.ValueOrNull<int>(7),
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
    public static IEnumerable<CrmLead> Leads(CrmConnection connection, IEnumerable<CrmSegment>? segments, int? minScore, int? top,
        CancellationToken cancel = default)
    {
        if (top is <= 0) throw new CrmException("TopOutOfRange", CrmErrorKind.InvalidArgument, "-Top must be a positive number.");
        if (minScore is < 0 or > 30) throw new CrmException("MinScoreOutOfRange", CrmErrorKind.InvalidArgument, "-MinScore must be from 0 to 30.");
        var scores = Scores(segments, minScore);
        IEnumerable<CrmLead> Rows(CancellationToken token) =>
            Stream(connection, "Reading leads", (conn, tx) => LeadPages(conn, tx, connection, scores, top), MapLead, token);
        // Rows are read and turned into CrmLead objects on a thread of their own, a few hundred ahead of the pipeline.
        return ReadAhead.Of(Rows, cancel);
    }

    /// <summary>
    /// The first rows of the ordered lead list come from a query of their own, LIMIT <see cref="LeadsFirstPage"/>:
    /// PostgreSQL answers it in milliseconds by walking the lead_score index (an incremental sort of the first score
    /// groups), while the whole list must be joined and sorted before its first row comes out. The rest is the same
    /// query with OFFSET, which the planner runs as one hash join and sort; both see the transaction's one snapshot,
    /// so together they are exactly the one ordered result. A consumer that stops within the first page
    /// (Select-Object -First 10) never starts the big query.
    /// </summary>
    public const int LeadsFirstPage = 1000;

    private static IEnumerable<NpgsqlCommand> LeadPages(NpgsqlConnection conn, NpgsqlTransaction tx, CrmConnection connection, int[] scores, int? top)
    {
        RequireScoring(conn, tx, connection);
        const int first = LeadsFirstPage;
        if (top <= first)
        {
            Db.Exec(conn, tx, SqlText.Get("Operations/leads-first-page.sql")); // -Top: one short query
            yield return LeadQuery(conn, tx, scores, top, 0);
            yield break;
        }
        Db.Exec(conn, tx, SqlText.Get("Operations/leads-first-page.sql"));
        yield return LeadQuery(conn, tx, scores, first, 0);
        Db.Exec(conn, tx, SqlText.Get("Operations/leads-rest.sql"));
        yield return LeadQuery(conn, tx, scores, top - first, first);
    }

    private static NpgsqlCommand LeadQuery(NpgsqlConnection conn, NpgsqlTransaction tx, int[] scores, long? limit, long offset)
    {
        var cmd = new NpgsqlCommand(SqlText.Get("Operations/leads.sql"), conn, tx) { CommandTimeout = 0 };
        cmd.Parameters.Add(new NpgsqlParameter("scores", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = scores });
        cmd.Parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Bigint) { Value = limit is null ? DBNull.Value : limit.Value });
        cmd.Parameters.Add(new NpgsqlParameter("skip", NpgsqlDbType.Bigint) { Value = offset });
        return cmd;
    }

    private static CrmLead MapLead(NpgsqlDataReader r)
    {
        var score = r.GetInt32(3);
        return new CrmLead
        {
            CustomerId = r.GetGuid(0), FullName = r.GetString(1), Email = r.StringOrNull(2),
            LeadScore = score, Segment = SegmentOf(score),
            Recency = r.GetInt32(4), Frequency = r.GetInt32(5), Monetary = r.GetInt32(6),
            LifetimeOrders = r.GetInt32(7), LifetimeNet = r.GetDecimal(8),
            LastOrderAt = r.ValueOrNull<DateTimeOffset>(9) is { } t9 ? new Timestamp(t9) : null,
            LastScoredAt = r.ValueOrNull<DateTimeOffset>(10) is { } t10 ? new Timestamp(t10) : null,
        };
    }

    /// <summary>
    /// Why a lead query of these segments found nobody, and what to do: the scores' as-of date against the newest
    /// order (scored long after the data, no customer can be Hot), or no scoring run at all.
    /// </summary>
    public static string WhyNoLeads(CrmConnection connection, IEnumerable<CrmSegment>? segments, int? minScore) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            var chosen = segments?.Distinct().ToArray() is { Length: > 0 } s ? string.Join(", ", s) : "any segment";
            var what = $"No leads in {chosen}{(minScore is { } m ? $" with a score of at least {m}" : "")}";
            DateTimeOffset? asOf, newest;
            var book = Bookkeeping.Bookkeeping.Locate(conn, tx);
            var lastAsOf = book.ScoringRunsTable is { } runs && (book.ScoringRuns ? book.SchemaUsage : book.LegacyUsage)
                ? SqlText.Fill("Operations/leads-last-as-of.sql", ("scoring_runs", runs)).Trim()
                : "NULL::timestamptz";
            using (var cmd = new NpgsqlCommand(SqlText.Fill("Operations/leads-empty-why.sql", ("last_as_of", lastAsOf)), conn, tx))
            using (var r = cmd.ExecuteReader())
            {
                r.Read();
                (asOf, newest) = (r.ValueOrNull<DateTimeOffset>(0), r.ValueOrNull<DateTimeOffset>(1));
            }
            if (asOf is null)
                return $"{what}: no scoring run is recorded. Score first: {Advice.Command(connection, "Update-CrmLeadScore")}";
            if (newest is { } n && asOf.Value - n > TimeSpan.FromDays(90))
                return $"{what}: the scores are as of {asOf:yyyy-MM-dd}, {Math.Floor((asOf.Value - n).TotalDays):N0} days after the newest order ({n:yyyy-MM-dd}), " +
                       "when no customer can be Hot (Hot needs an order within 90 days). Score as of a date nearer the data: " +
                       Advice.Command(connection, $"Update-CrmLeadScore -AsOf {n.AddDays(1):yyyy-MM-dd}");
            return $"{what} (scores as of {asOf:yyyy-MM-dd}). Get-CrmLeadScoreDistribution shows how many customers each segment holds.";
        }, "Reading the scoring state");

    /// <summary>Writes the leads straight to a CSV file with COPY (header, ISO dates), the fast path for big exports.</summary>
    public static long ExportLeads(CrmConnection connection, IEnumerable<CrmSegment>? segments, int? minScore, int? top, string path,
        CancellationToken cancel = default)
    {
        // COPY takes no parameters: the only values filled in are integers computed here.
        var copy = SqlText.Fill("Operations/leads-export.sql",
            ("scores", "ARRAY[" + string.Join(",", Scores(segments, minScore)) + "]::int[]"),
            ("limit", top is > 0 ? " LIMIT " + top.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""));
        try
        {
            // No client-side timeout: COPY sends its first row only after the sort (tens of seconds at 10M leads).
            using var conn = connection.OpenForCopy();
            using var registration = cancel.Register(() => { try { conn.Close(); } catch { } });
            using var tx = conn.BeginTransaction();
            Db.MakeReadOnly(conn, tx);
            Db.Exec(conn, tx, SqlText.Get("Common/utc.sql"));
            RequireScoring(conn, tx, connection);
            long rows = 0;
            var temp = path + ".partial";
            using (var reader = conn.BeginTextExport(copy))
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
            throw Db.Translate(ex, connection, "Exporting leads");
        }
    }

    public static IEnumerable<CrmActivity> Timeline(CrmConnection connection, Guid customerId, int? last, CancellationToken cancel = default) =>
        Timeline(connection, customerId, last, (null, null), cancel);

    /// <summary>A customer's activity, newest first, each labelled with the customer's name and email (see <see cref="CustomerLabel"/>).</summary>
    public static IEnumerable<CrmActivity> Timeline(CrmConnection connection, Guid customerId, int? last, (string? Name, string? Email) label,
        CancellationToken cancel = default)
    {
        if (last is <= 0) throw new CrmException("LastOutOfRange", CrmErrorKind.InvalidArgument, "-Last must be a positive number.");
        return Stream(connection, "Reading the customer timeline", (conn, tx) =>
        {
            if (!Db.RelationExists(conn, tx, "public.customer_activity_timeline"))
            {
                var fix = Advice.InstallBuiltIn(connection, BuiltInMigrations.Timeline);
                throw new CrmException("TimelineNotInstalled", CrmErrorKind.ObjectNotFound,
                    $"customer_activity_timeline does not exist on {connection.Host}:{connection.Port}/{connection.Database}: {fix.Why}. Run: {fix.Commands}")
                { RecommendedAction = fix.Commands };
            }
            var cmd = new NpgsqlCommand(SqlText.Get("Operations/timeline.sql"), conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("customer_id", customerId);
            cmd.Parameters.Add(new NpgsqlParameter("last", NpgsqlDbType.Bigint) { Value = last is null ? DBNull.Value : (long)last });
            return cmd;
        }, r => new CrmActivity
        {
            CustomerId = r.GetGuid(0), ActivityType = r.GetString(1), CreatedAt = new Timestamp(r.GetFieldValue<DateTimeOffset>(2)),
            EventName = r.StringOrNull(3), Amount = r.ValueOrNull<decimal>(4),
            Source = r.StringOrNull(5), Status = r.StringOrNull(6),
            PurchaserName = r.StringOrNull(7), OrderId = r.StringOrNull(8),
            FullName = label.Name, Email = label.Email,
        }, cancel);
    }

    /// <summary>One query's rows, streamed (see the overload for several).</summary>
    internal static IEnumerable<T> Stream<T>(CrmConnection connection, string what,
        Func<NpgsqlConnection, NpgsqlTransaction, NpgsqlCommand> prepare, Func<NpgsqlDataReader, T> map, CancellationToken cancel) =>
        Stream(connection, what, (conn, tx) => [prepare(conn, tx)], map, cancel);

    /// <summary>
    /// A customer's name and primary email, waiting at most a quarter of a second for a lock: a session that holds
    /// customer_profiles or customer_emails leaves the label empty rather than holding up the timeline.
    /// </summary>
    public static (string? Name, string? Email) CustomerLabel(CrmConnection connection, Guid customerId)
    {
        try
        {
            return Db.ReadOnly(connection, (conn, tx) =>
            {
                Db.SetLockTimeout(conn, tx, TimeSpan.FromMilliseconds(250));
                using var cmd = new NpgsqlCommand(SqlText.Get("Operations/customer-label.sql"), conn, tx);
                cmd.Parameters.AddWithValue("customer_id", customerId);
                using var r = cmd.ExecuteReader();
                return r.Read() ? (r.GetString(0), r.StringOrNull(1)) : ((string?)null, (string?)null);
            }, "Reading the customer's name");
        }
        catch (CrmException e) when (e.ErrorId == "LockTimeout")
        {
            return (null, null);
        }
    }

    /// <summary>Most customers a name may match (a pattern that matches more is refused: narrow it).</summary>
    public const int MaxCustomersByName = 100;

    /// <summary>The customer that owns an email (any of its emails, case and surrounding spaces ignored).</summary>
    public static (Guid Id, string Name) CustomerByEmail(CrmConnection connection, string email) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            using var cmd = new NpgsqlCommand(SqlText.Get("Operations/customer-by-email.sql"), conn, tx);
            cmd.Parameters.AddWithValue("email", email);
            using var r = cmd.ExecuteReader();
            if (r.Read()) return (r.GetGuid(0), r.GetString(1));
            throw new CrmException("CustomerNotFound", CrmErrorKind.ObjectNotFound,
                $"No customer has the email '{email.Trim()}' (any of a customer's emails, in any case). Look a customer up by name with -Name '*part of the name*'.", email);
        }, "Finding a customer by email");

    /// <summary>Customers whose name matches (PowerShell wildcards, case-insensitive), in name order.</summary>
    public static IReadOnlyList<(Guid Id, string Name)> CustomersByName(CrmConnection connection, string name) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            using var cmd = new NpgsqlCommand(SqlText.Get("Operations/customer-by-name.sql"), conn, tx) { CommandTimeout = 0 };
            cmd.Parameters.AddWithValue("name_re", Catalog.CatalogPattern.ToRegex(name.Trim()));
            cmd.Parameters.AddWithValue("limit", (long)MaxCustomersByName);
            var list = new List<(Guid, string)>();
            using (var r = cmd.ExecuteReader())
                while (r.Read()) list.Add((r.GetGuid(0), r.GetString(1)));
            if (list.Count == 0)
                throw new CrmException("CustomerNotFound", CrmErrorKind.ObjectNotFound,
                    $"No customer is named '{name.Trim()}' (canonical_full_name, any case). Use wildcards for part of a name: -Name '*{name.Trim()}*'.", name);
            if (list.Count > MaxCustomersByName)
                throw new CrmException("CustomerNameAmbiguous", CrmErrorKind.InvalidArgument,
                    $"More than {MaxCustomersByName} customers match the name '{name.Trim()}': narrow the pattern, or use -Email or -CustomerId.", name);
            return (IReadOnlyList<(Guid, string)>)list;
        }, "Finding customers by name");

    /// <summary>
    /// Streams the rows of one or more queries, in order, inside one READ ONLY, REPEATABLE READ transaction (so that
    /// pages of one ordered result see one snapshot). A query is prepared only when the one before it is done, so a
    /// consumer that stops early never starts the next. When the consumer stops early, the running command is
    /// cancelled on the server before its reader is disposed (disposing alone would drain it).
    /// </summary>
    private static IEnumerable<T> Stream<T>(CrmConnection connection, string what,
        Func<NpgsqlConnection, NpgsqlTransaction, IEnumerable<NpgsqlCommand>> prepare, Func<NpgsqlDataReader, T> map, CancellationToken cancel)
    {
        NpgsqlConnection? conn = null;
        NpgsqlTransaction? tx = null;
        IEnumerator<NpgsqlCommand>? commands = null;
        NpgsqlCommand? cmd = null;
        NpgsqlDataReader? reader = null;
        var completed = false;
        try
        {
            try
            {
                conn = connection.Open();
                tx = conn.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
                Db.MakeReadOnly(conn, tx);
                commands = prepare(conn, tx).GetEnumerator();
            }
            catch (Exception ex) when (ex is not CrmException) { throw Db.Translate(ex, connection, what); }

            using var registration = cancel.Register(() => { try { Volatile.Read(ref cmd)?.Cancel(); } catch { } });
            while (true)
            {
                try
                {
                    reader?.Dispose();
                    cmd?.Dispose();
                    reader = null;
                    cmd = null;
                    if (!commands.MoveNext()) break;
                    Volatile.Write(ref cmd, commands.Current);
                    cancel.ThrowIfCancellationRequested();
                    reader = cmd.ExecuteReader();
                }
                catch (Exception ex) when (ex is not CrmException)
                {
                    cancel.ThrowIfCancellationRequested();
                    throw Db.Translate(ex, connection, what);
                }
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
                        throw Db.Translate(ex, connection, what);
                    }
                    yield return item;
                }
            }
            completed = true;
        }
        finally
        {
            // A short query (a page of at most ShortQueryRows rows) is read to its end instead: cheaper than a cancel
            // request, which costs the server a new connection (a fork) to receive it.
            if (!completed && cmd != null && reader is { IsClosed: false } && !IsShort(cmd))
            {
                try { cmd.Cancel(); } catch { /* best effort */ }
            }
            try { reader?.Dispose(); } catch { /* cancelled */ }
            try { if (completed) tx?.Commit(); else tx?.Rollback(); } catch { /* connection may be broken by the cancel */ }
            cmd?.Dispose();
            commands?.Dispose();
            conn?.Dispose();
        }
    }

    /// <summary>Rows a query may return and still count as short: stopping it early drains it rather than cancel it.</summary>
    private const long ShortQueryRows = 10_000;

    private static bool IsShort(NpgsqlCommand cmd) =>
        cmd.Parameters.Contains("top") && cmd.Parameters["top"].Value is long limit && limit <= ShortQueryRows;

    internal static void RequireScoring(NpgsqlConnection conn, NpgsqlTransaction? tx, CrmConnection connection)
    {
        if (!Db.Scalar<bool>(conn, tx, SqlText.Get("Operations/scoring-column-exists.sql")))
        {
            var fix = Advice.InstallBuiltIn(connection, BuiltInMigrations.Scoring);
            throw new CrmException("ScoringNotInstalled", CrmErrorKind.ObjectNotFound,
                $"customer_profiles on {connection.Host}:{connection.Port}/{connection.Database} has no lead_score column: {fix.Why}. Run: {fix.Commands}")
            { RecommendedAction = fix.Commands };
        }
    }
}
