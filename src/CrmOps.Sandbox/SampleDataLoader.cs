using System.Diagnostics;
using System.Globalization;
using System.Text;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Sandbox;

/// <summary>What a sandbox load wrote, and how long it took.</summary>
public sealed record SampleLoadResult(
    int Customers,
    int Seed,
    long HumanitixOrders,
    long EventbriteOrders,
    TimeSpan Elapsed);

/// <summary>
/// Builds the sample CRM database: the schema of spec/crm-database.md (as it stands before the two
/// corrected migrations) and, for <see cref="Load"/>, data from <see cref="SampleDataGenerator"/>
/// written with binary COPY into bare tables, then keys, indexes, foreign keys, the marketing
/// export refresh and ANALYZE. The target database must not already contain these objects.
/// </summary>
public static class SampleDataLoader
{
    /// <summary>Creates the schema with no data (no test rows either): for an empty sandbox.</summary>
    public static void CreateSchema(NpgsqlConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var tx = connection.BeginTransaction();
        Execute(connection, SandboxSql.Get("Sandbox/schema.sql"));
        Execute(connection, SandboxSql.Get("Sandbox/schema-post-load.sql"));
        tx.Commit();
    }

    /// <summary>
    /// Creates the schema and loads <paramref name="customers"/> customers with their orders
    /// (default: the seed's 9,369), plus the 3 test rows in <c>customers</c> (<c>orders</c> stays
    /// empty). Runs in one transaction, then ANALYZE. <paramref name="progress"/> receives
    /// (activity, percent 0..100).
    /// </summary>
    internal static SampleLoadResult Load(
        NpgsqlConnection connection,
        int customers = SampleDataDefaults.DefaultCustomers,
        int seed = SampleDataDefaults.DefaultSeed,
        Action<string, int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var sw = Stopwatch.StartNew();
        var gen = new SampleDataGenerator(customers, seed);
        var report = progress ?? ((_, _) => { });

        using (var tx = connection.BeginTransaction())
        {
            report("Creating schema", 0);
            Execute(connection, SandboxSql.Get("Sandbox/load-settings.sql"));
            Execute(connection, SandboxSql.Get("Sandbox/schema.sql"));
            Execute(connection, SandboxSql.Get("Sandbox/test-leftovers.sql"));

            var stage = Stage(report, "Loading customers and orders", 1, 60);
            var chunk = new Chunk(Math.Min(customers, ChunkCustomers));
            long done = 0;
            stage(0);
            gen.Run(c =>
            {
                chunk.Add(c);
                if (chunk.Count == chunk.Capacity)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Flush(connection, chunk, gen.Seed);
                    done += chunk.Count;
                    chunk.Clear();
                    stage((double)done / customers);
                }
            });
            if (chunk.Count > 0) Flush(connection, chunk, gen.Seed);
            stage(1);

            var statements = CrmOps.Migrations.StatementSplitter.Split(SandboxSql.Get("Sandbox/schema-post-load.sql")).Select(st => st.Text).ToList();
            for (int i = 0; i < statements.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                report("Creating keys and indexes (" + (i + 1) + "/" + statements.Count + ")", 60 + 28 * i / statements.Count);
                Execute(connection, statements[i]);
            }
            report("Refreshing customer_marketing_export", 88);
            Execute(connection, SandboxSql.Get("Sandbox/finish.sql"));
            tx.Commit();
        }
        report("Analyzing", 95);
        Execute(connection, SandboxSql.Get("Sandbox/analyze.sql"));
        report("Done", 100);
        return new SampleLoadResult(customers, seed, gen.HumanitixOrders, gen.EventbriteOrders, sw.Elapsed);
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        cmd.ExecuteNonQuery();
    }

    /// <summary>Maps a stage's own 0..1 progress onto [from, to) percent, reporting each whole percent once.</summary>
    private static Action<double> Stage(Action<string, int> report, string activity, int from, int to)
    {
        int last = -1;
        return fraction =>
        {
            int pct = from + (int)((to - from) * Math.Clamp(fraction, 0, 1));
            if (pct != last) { last = pct; report(activity, pct); }
        };
    }

    /// <summary>
    /// Customers generated once and written in chunks: one COPY per table per chunk. COPY uses
    /// FREEZE (legal because the tables are created in the same transaction): rows are written
    /// frozen, so the index builds, refresh and ANALYZE that follow need not dirty every page again
    /// to set hint bits (about 10% less server CPU).
    /// </summary>
    internal const int ChunkCustomers = 1 << 16;

    private struct CustomerRow
    {
        public long Index;
        public Guid Id;
        public int First, Last, Domain, EmailFormat, PhoneDigits;
        public long CreatedUnix, UpdatedUnix;
        public int LifetimeOrders;
        public long GrossCents, NetCents, FirstOrderUnix, LastOrderUnix;
        public int OrderStart, OrderCount;
    }

    private sealed class Chunk
    {
        public readonly int Capacity;
        public readonly CustomerRow[] Rows;
        public readonly string[] Emails;
        public SampleOrder[] Orders;
        public int Count, OrderCount;

        public Chunk(int capacity)
        {
            Capacity = capacity;
            Rows = new CustomerRow[capacity];
            Emails = new string[capacity];
            Orders = new SampleOrder[capacity + capacity / 2];
        }

        public void Add(SampleCustomer c)
        {
            ref var r = ref Rows[Count++];
            r.Index = c.Index; r.Id = c.Id; r.First = c.First; r.Last = c.Last; r.Domain = c.Domain;
            r.EmailFormat = c.EmailFormat; r.PhoneDigits = c.PhoneDigits; r.CreatedUnix = c.CreatedUnix;
            r.UpdatedUnix = c.UpdatedUnix; r.LifetimeOrders = c.LifetimeOrders; r.GrossCents = c.LifetimeGrossCents;
            r.NetCents = c.LifetimeNetCents; r.FirstOrderUnix = c.FirstOrderUnix; r.LastOrderUnix = c.LastOrderUnix;
            if (OrderCount + c.OrderCount > Orders.Length) Array.Resize(ref Orders, Math.Max(Orders.Length * 2, OrderCount + c.OrderCount));
            Array.Copy(c.Orders, 0, Orders, OrderCount, c.OrderCount);
            r.OrderStart = OrderCount;
            r.OrderCount = c.OrderCount;
            OrderCount += c.OrderCount;
        }

        public void Clear()
        {
            Array.Clear(Orders, 0, OrderCount); // drop event references
            Count = 0;
            OrderCount = 0;
        }
    }

    private static void Flush(NpgsqlConnection conn, Chunk chunk, int seed)
    {
        for (int i = 0; i < chunk.Count; i++)
        {
            ref var r = ref chunk.Rows[i];
            chunk.Emails[i] = SampleCustomer.EmailOf(r.Index, r.First, r.Last, r.Domain, r.EmailFormat);
        }
        CopyProfiles(conn, chunk);
        CopyEmails(conn, chunk);
        CopyMetrics(conn, chunk);
        CopyOrders(conn, chunk, seed, humanitix: true);
        CopyOrders(conn, chunk, seed, humanitix: false);
    }

    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    private static DateTime Utc(long unix) => new(EpochTicks + unix * TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static decimal Money(long cents) => new((int)cents, (int)(cents >> 32), 0, false, 2);

    private static void CopyProfiles(NpgsqlConnection conn, Chunk chunk)
    {
        using var w = conn.BeginBinaryImport(
            "COPY customer_profiles (id, canonical_full_name, first_name, last_name, phone, created_at, updated_at) FROM STDIN (FORMAT BINARY, FREEZE)");
        w.Timeout = TimeSpan.Zero;
        var phone = new char[15];
        for (int i = 0; i < chunk.Count; i++)
        {
            ref var c = ref chunk.Rows[i];
            string first = SampleCatalog.FirstNames[c.First], last = SampleCatalog.LastNames[c.Last];
            w.StartRow();
            w.Write(c.Id, NpgsqlDbType.Uuid);
            w.Write(string.Concat(first, " ", last), NpgsqlDbType.Text);
            w.Write(first, NpgsqlDbType.Text);
            w.Write(last, NpgsqlDbType.Text);
            if (c.PhoneDigits < 0) w.WriteNull();
            else w.Write(Phone(c.PhoneDigits, phone), NpgsqlDbType.Text);
            w.Write(Utc(c.CreatedUnix), NpgsqlDbType.TimestampTz);
            w.Write(Utc(c.UpdatedUnix), NpgsqlDbType.TimestampTz);
        }
        w.Complete();
    }

    /// <summary>"+61 4xx xxx xxx" from 8 digits.</summary>
    private static string Phone(int digits, char[] buf)
    {
        "+61 4".CopyTo(0, buf, 0, 5);
        ReadOnlySpan<int> pos = stackalloc int[] { 5, 6, 8, 9, 10, 12, 13, 14 };
        buf[7] = ' '; buf[11] = ' ';
        for (int i = 7; i >= 0; i--) { buf[pos[i]] = (char)('0' + digits % 10); digits /= 10; }
        return new string(buf);
    }

    private static void CopyEmails(NpgsqlConnection conn, Chunk chunk)
    {
        using var w = conn.BeginBinaryImport(
            "COPY customer_emails (customer_id, email, is_primary, created_at) FROM STDIN (FORMAT BINARY, FREEZE)");
        w.Timeout = TimeSpan.Zero;
        for (int i = 0; i < chunk.Count; i++)
        {
            ref var c = ref chunk.Rows[i];
            w.StartRow();
            w.Write(c.Id, NpgsqlDbType.Uuid);
            w.Write(chunk.Emails[i], NpgsqlDbType.Text);
            w.Write(true, NpgsqlDbType.Boolean);
            w.Write(Utc(c.CreatedUnix), NpgsqlDbType.TimestampTz);
        }
        w.Complete();
    }

    private static void CopyMetrics(NpgsqlConnection conn, Chunk chunk)
    {
        using var w = conn.BeginBinaryImport(
            "COPY customer_engagement_metrics (customer_id, lifetime_orders, lifetime_gross, lifetime_net, first_order_at, last_order_at, updated_at) FROM STDIN (FORMAT BINARY, FREEZE)");
        w.Timeout = TimeSpan.Zero;
        for (int i = 0; i < chunk.Count; i++)
        {
            ref var c = ref chunk.Rows[i];
            w.StartRow();
            w.Write(c.Id, NpgsqlDbType.Uuid);
            w.Write(c.LifetimeOrders, NpgsqlDbType.Integer);
            w.Write(Money(c.GrossCents), NpgsqlDbType.Numeric);
            w.Write(Money(c.NetCents), NpgsqlDbType.Numeric);
            if (c.LifetimeOrders == 0) { w.WriteNull(); w.WriteNull(); }
            else
            {
                w.Write(Utc(c.FirstOrderUnix), NpgsqlDbType.TimestampTz);
                w.Write(Utc(c.LastOrderUnix), NpgsqlDbType.TimestampTz);
            }
            w.Write(Utc(c.UpdatedUnix), NpgsqlDbType.TimestampTz);
        }
        w.Complete();
    }

    private static void CopyOrders(NpgsqlConnection conn, Chunk chunk, int seed, bool humanitix)
    {
        using var w = conn.BeginBinaryImport(humanitix
            ? "COPY orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, status, created_at, raw) FROM STDIN (FORMAT BINARY, FREEZE)"
            : "COPY orders_eventbrite (id, event_id, event_name, email, name, gross, net, status, created, raw) FROM STDIN (FORMAT BINARY, FREEZE)");
        w.Timeout = TimeSpan.Zero; // currency is left to its column default, 'AUD'
        var json = new StringBuilder(512);
        ulong idMix = SampleRng.Mix((ulong)(uint)seed, 0x1D);
        for (int ci = 0; ci < chunk.Count; ci++)
        {
            ref var c = ref chunk.Rows[ci];
            for (int i = c.OrderStart; i < c.OrderStart + c.OrderCount; i++)
            {
                ref var o = ref chunk.Orders[i];
                if (o.Humanitix != humanitix) continue;
                string first, last;
                string? email;
                if (o.Linked)
                {
                    first = SampleCatalog.FirstNames[c.First]; last = SampleCatalog.LastNames[c.Last];
                    email = RawEmail(chunk.Emails[ci], o.EmailStyle);
                }
                else
                {
                    first = SampleCatalog.FirstNames[o.GuestFirst]; last = SampleCatalog.LastNames[o.GuestLast];
                    email = o.EmailStyle switch
                    {
                        SampleEmailStyle.Null => null,
                        SampleEmailStyle.Empty => "",
                        _ => string.Concat(SampleCatalog.FirstSlugs[o.GuestFirst], ".", SampleCatalog.LastSlugs[o.GuestLast], "@", SampleCatalog.TypoDomains[o.GuestDomain]),
                    };
                }
                var created = Utc(o.CreatedUnix);
                w.StartRow();
                json.Clear();
                if (humanitix)
                {
                    string id = ((uint)o.CreatedUnix).ToString("x8", CultureInfo.InvariantCulture)
                        + ((ulong)o.Ordinal * 0x9E3779B97F4A7C15UL ^ idMix).ToString("x16", CultureInfo.InvariantCulture);
                    string status = o.Status switch { SampleOrderStatus.Completed => "completed", SampleOrderStatus.Cancelled => "cancelled", _ => "refunded" };
                    w.Write(id, NpgsqlDbType.Text);
                    w.Write(o.Event.HumanitixId, NpgsqlDbType.Text);
                    w.Write(o.Event.Name, NpgsqlDbType.Text);
                    WriteNullable(w, email);
                    w.Write(first, NpgsqlDbType.Text);
                    w.Write(last, NpgsqlDbType.Text);
                    w.Write(Money(o.GrossCents), NpgsqlDbType.Numeric);
                    w.Write(Money(o.NetCents), NpgsqlDbType.Numeric);
                    w.Write(status, NpgsqlDbType.Text);
                    w.Write(created, NpgsqlDbType.TimestampTz);
                    // Compact on purpose: jsonb parsing is the most expensive part of the load.
                    json.Append("{\"_id\":\"").Append(id).Append("\",\"eventId\":\"").Append(o.Event.HumanitixId)
                        .Append("\",\"firstName\":"); Str(json, first);
                    json.Append(",\"lastName\":"); Str(json, last);
                    json.Append(",\"email\":"); Str(json, email);
                    json.Append(",\"currency\":\"AUD\",\"status\":\"").Append(status)
                        .Append("\",\"totals\":{\"total\":"); Num(json, o.GrossCents);
                    json.Append(",\"net\":"); Num(json, o.NetCents);
                    json.Append("},\"createdAt\":\"");
                    IsoTime(json, created);
                    json.Append("\"}");
                }
                else
                {
                    string id = (1_200_000_000L + o.Ordinal * 3 + 1).ToString(CultureInfo.InvariantCulture);
                    string status = o.Status switch { SampleOrderStatus.Completed => "placed", SampleOrderStatus.Cancelled => "deleted", _ => "refunded" };
                    string name = string.Concat(first, " ", last);
                    w.Write(id, NpgsqlDbType.Text);
                    w.Write(o.Event.EventbriteId, NpgsqlDbType.Text);
                    w.Write(o.Event.Name, NpgsqlDbType.Text);
                    WriteNullable(w, email);
                    w.Write(name, NpgsqlDbType.Text);
                    w.Write(Money(o.GrossCents), NpgsqlDbType.Numeric);
                    w.Write(Money(o.NetCents), NpgsqlDbType.Numeric);
                    w.Write(status, NpgsqlDbType.Text);
                    w.Write(created, NpgsqlDbType.TimestampTz);
                    json.Append("{\"id\":\"").Append(id).Append("\",\"event_id\":\"").Append(o.Event.EventbriteId)
                        .Append("\",\"name\":"); Str(json, name);
                    json.Append(",\"email\":"); Str(json, email);
                    json.Append(",\"status\":\"").Append(status).Append("\",\"created\":\"");
                    IsoTime(json, created);
                    json.Append("\",\"costs\":{\"gross\":{\"currency\":\"AUD\",\"value\":").Append(o.GrossCents)
                        .Append(",\"major_value\":\"");
                    Num(json, o.GrossCents);
                    json.Append("\"}}}");
                }
                w.Write(json.ToString(), NpgsqlDbType.Jsonb);
            }
        }
        w.Complete();
    }

    /// <summary>yyyy-MM-ddTHH:mm:ssZ without culture machinery.</summary>
    private static void IsoTime(StringBuilder sb, DateTime t)
    {
        Span<char> b = stackalloc char[20];
        Two(b, 0, t.Year / 100); Two(b, 2, t.Year % 100); b[4] = '-'; Two(b, 5, t.Month); b[7] = '-'; Two(b, 8, t.Day);
        b[10] = 'T'; Two(b, 11, t.Hour); b[13] = ':'; Two(b, 14, t.Minute); b[16] = ':'; Two(b, 17, t.Second); b[19] = 'Z';
        sb.Append(b);
    }

    private static void Two(Span<char> b, int at, int v) { b[at] = (char)('0' + v / 10); b[at + 1] = (char)('0' + v % 10); }

    private static void WriteNullable(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null) w.WriteNull(); else w.Write(value, NpgsqlDbType.Text);
    }

    /// <summary>The customer's email as a platform stored it: as is, mixed case and/or padded with spaces.</summary>
    internal static string RawEmail(string email, SampleEmailStyle style)
    {
        switch (style)
        {
            case SampleEmailStyle.MixedCase: return MixCase(email);
            case SampleEmailStyle.Padded: return " " + email + "  ";
            case SampleEmailStyle.MixedPadded: return "  " + MixCase(email) + " ";
            default: return email;
        }
    }

    private static string MixCase(string email) => string.Create(email.Length, email, static (span, e) =>
    {
        bool up = true;
        for (int i = 0; i < e.Length; i++)
        {
            char ch = e[i];
            span[i] = up ? char.ToUpperInvariant(ch) : ch;
            up = ch is '.' or '@' or '_';
        }
    });

    private static void Num(StringBuilder sb, long cents)
    {
        sb.Append(cents / 100).Append('.').Append((char)('0' + cents % 100 / 10)).Append((char)('0' + cents % 10));
    }

    private static void Str(StringBuilder sb, string? s)
    {
        if (s is null) { sb.Append("null"); return; }
        sb.Append('"');
        foreach (char ch in s)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                default:
                    if (ch < ' ') sb.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(ch);
                    break;
            }
        }
        sb.Append('"');
    }
}
