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
    private static readonly string[] Tables =
    {
        "customers", "orders", "customer_profiles", "customer_emails", "customer_engagement_metrics",
        "orders_htx", "orders_eventbrite", "customer_marketing_export",
    };

    /// <summary>Creates the schema with no data (no test rows either): for an empty sandbox.</summary>
    public static void CreateSchema(NpgsqlConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var tx = connection.BeginTransaction();
        Execute(connection, SqlText.Get("Sandbox/schema.sql"));
        Execute(connection, SqlText.Get("Sandbox/schema-post-load.sql"));
        tx.Commit();
    }

    /// <summary>
    /// Creates the schema and loads <paramref name="customers"/> customers with their orders
    /// (default: the seed's 9,369), plus the 3 test rows in <c>customers</c> (<c>orders</c> stays
    /// empty). Runs in one transaction, then ANALYZE. <paramref name="progress"/> receives
    /// (activity, percent 0..100).
    /// </summary>
    public static SampleLoadResult Load(
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
            Execute(connection, "SET LOCAL maintenance_work_mem = '256MB'");
            Execute(connection, SqlText.Get("Sandbox/schema.sql"));
            Execute(connection, SqlText.Get("Sandbox/test-leftovers.sql"));

            CopyProfiles(connection, gen, Stage(report, "Loading customer_profiles", 1, 14), cancellationToken);
            CopyEmails(connection, gen, Stage(report, "Loading customer_emails", 14, 24), cancellationToken);
            CopyMetrics(connection, gen, Stage(report, "Loading customer_engagement_metrics", 24, 34), cancellationToken);
            CopyOrders(connection, gen, humanitix: true, Stage(report, "Loading orders_htx", 34, 42), cancellationToken);
            CopyOrders(connection, gen, humanitix: false, Stage(report, "Loading orders_eventbrite", 42, 66), cancellationToken);

            var statements = SplitStatements(SqlText.Get("Sandbox/schema-post-load.sql"));
            for (int i = 0; i < statements.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                report("Creating keys and indexes", 66 + 24 * i / statements.Count);
                Execute(connection, statements[i]);
            }
            report("Refreshing customer_marketing_export", 90);
            Execute(connection, SqlText.Get("Sandbox/finish.sql"));
            tx.Commit();
        }
        report("Analyzing", 95);
        Execute(connection, "ANALYZE " + string.Join(", ", Tables));
        report("Done", 100);
        return new SampleLoadResult(customers, seed, gen.HumanitixOrders, gen.EventbriteOrders, sw.Elapsed);
    }

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        cmd.ExecuteNonQuery();
    }

    internal static List<string> SplitStatements(string script)
    {
        var result = new List<string>();
        var sb = new StringBuilder();
        foreach (var line in script.Split('\n'))
        {
            if (line.TrimStart().StartsWith("--", StringComparison.Ordinal)) continue;
            sb.Append(line).Append('\n');
            if (line.TrimEnd().EndsWith(';'))
            {
                result.Add(sb.ToString().Trim());
                sb.Clear();
            }
        }
        if (sb.ToString().Trim().Length > 0) result.Add(sb.ToString().Trim());
        return result;
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

    private static Action<SampleCustomer> WithProgress(SampleDataGenerator gen, Action<double> stage, CancellationToken ct, Action<SampleCustomer> body)
    {
        long step = Math.Max(1, gen.Customers / 100);
        stage(0);
        return c =>
        {
            body(c);
            if (c.Index % step == 0)
            {
                ct.ThrowIfCancellationRequested();
                stage((double)c.Index / gen.Customers);
            }
        };
    }

    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    private static DateTime Utc(long unix) => new(EpochTicks + unix * TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static decimal Money(long cents) => new((int)cents, (int)(cents >> 32), 0, false, 2);

    private static void CopyProfiles(NpgsqlConnection conn, SampleDataGenerator gen, Action<double> stage, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY customer_profiles (id, canonical_full_name, first_name, last_name, phone, created_at, updated_at) FROM STDIN (FORMAT BINARY)");
        w.Timeout = TimeSpan.Zero;
        var phone = new char[15];
        gen.Run(WithProgress(gen, stage, ct, c =>
        {
            w.StartRow();
            w.Write(c.Id, NpgsqlDbType.Uuid);
            w.Write(c.FullName, NpgsqlDbType.Text);
            w.Write(c.FirstName, NpgsqlDbType.Text);
            w.Write(c.LastName, NpgsqlDbType.Text);
            if (c.PhoneDigits < 0) w.WriteNull();
            else w.Write(Phone(c.PhoneDigits, phone), NpgsqlDbType.Text);
            w.Write(Utc(c.CreatedUnix), NpgsqlDbType.TimestampTz);
            w.Write(Utc(c.UpdatedUnix), NpgsqlDbType.TimestampTz);
        }));
        w.Complete();
    }

    /// <summary>"+61 4xx xxx xxx" from 8 digits.</summary>
    private static string Phone(int digits, char[] buf)
    {
        "+61 4".CopyTo(0, buf, 0, 5);
        int[] pos = { 5, 6, 8, 9, 10, 12, 13, 14 };
        buf[7] = ' '; buf[11] = ' ';
        for (int i = 7; i >= 0; i--) { buf[pos[i]] = (char)('0' + digits % 10); digits /= 10; }
        return new string(buf);
    }

    private static void CopyEmails(NpgsqlConnection conn, SampleDataGenerator gen, Action<double> stage, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY customer_emails (customer_id, email, is_primary, created_at) FROM STDIN (FORMAT BINARY)");
        w.Timeout = TimeSpan.Zero;
        gen.Run(WithProgress(gen, stage, ct, c =>
        {
            w.StartRow();
            w.Write(c.Id, NpgsqlDbType.Uuid);
            w.Write(c.Email, NpgsqlDbType.Text);
            w.Write(true, NpgsqlDbType.Boolean);
            w.Write(Utc(c.CreatedUnix), NpgsqlDbType.TimestampTz);
        }));
        w.Complete();
    }

    private static void CopyMetrics(NpgsqlConnection conn, SampleDataGenerator gen, Action<double> stage, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY customer_engagement_metrics (customer_id, lifetime_orders, lifetime_gross, lifetime_net, first_order_at, last_order_at, updated_at) FROM STDIN (FORMAT BINARY)");
        w.Timeout = TimeSpan.Zero;
        gen.Run(WithProgress(gen, stage, ct, c =>
        {
            w.StartRow();
            w.Write(c.Id, NpgsqlDbType.Uuid);
            w.Write(c.LifetimeOrders, NpgsqlDbType.Integer);
            w.Write(Money(c.LifetimeGrossCents), NpgsqlDbType.Numeric);
            w.Write(Money(c.LifetimeNetCents), NpgsqlDbType.Numeric);
            if (c.LifetimeOrders == 0) { w.WriteNull(); w.WriteNull(); }
            else
            {
                w.Write(Utc(c.FirstOrderUnix), NpgsqlDbType.TimestampTz);
                w.Write(Utc(c.LastOrderUnix), NpgsqlDbType.TimestampTz);
            }
            w.Write(Utc(c.UpdatedUnix), NpgsqlDbType.TimestampTz);
        }));
        w.Complete();
    }

    private static void CopyOrders(NpgsqlConnection conn, SampleDataGenerator gen, bool humanitix, Action<double> stage, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(humanitix
            ? "COPY orders_htx (order_id, event_id, event_name, email, first_name, last_name, total_amount, net_amount, currency, status, created_at, raw) FROM STDIN (FORMAT BINARY)"
            : "COPY orders_eventbrite (id, event_id, event_name, email, name, gross, net, currency, status, created, raw) FROM STDIN (FORMAT BINARY)");
        w.Timeout = TimeSpan.Zero;
        var json = new StringBuilder(512);
        ulong idMix = SampleRng.Mix((ulong)(uint)gen.Seed, 0x1D);
        gen.Run(WithProgress(gen, stage, ct, c =>
        {
            string? customerEmail = null;
            for (int i = 0; i < c.OrderCount; i++)
            {
                ref var o = ref c.Orders[i];
                if (o.Humanitix != humanitix) continue;
                string first, last;
                string? email;
                if (o.Linked)
                {
                    first = c.FirstName; last = c.LastName;
                    customerEmail ??= c.Email;
                    email = RawEmail(customerEmail, o.EmailStyle);
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
                long fee = o.GrossCents - o.NetCents;
                w.StartRow();
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
                    w.Write("AUD", NpgsqlDbType.Text);
                    w.Write(status, NpgsqlDbType.Text);
                    w.Write(created, NpgsqlDbType.TimestampTz);
                    json.Clear();
                    json.Append("{\"_id\":\"").Append(id).Append("\",\"eventId\":\"").Append(o.Event.HumanitixId)
                        .Append("\",\"eventName\":"); Str(json, o.Event.Name);
                    json.Append(",\"firstName\":"); Str(json, first);
                    json.Append(",\"lastName\":"); Str(json, last);
                    json.Append(",\"email\":"); Str(json, email);
                    json.Append(",\"currency\":\"AUD\",\"status\":\"").Append(status)
                        .Append("\",\"ticketCount\":").Append(o.Quantity)
                        .Append(",\"totals\":{\"subtotal\":"); Num(json, o.GrossCents);
                    json.Append(",\"total\":"); Num(json, o.GrossCents);
                    json.Append(",\"humanitixFee\":"); Num(json, fee);
                    json.Append(",\"net\":"); Num(json, o.NetCents);
                    json.Append("},\"createdAt\":\"").Append(created.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append("\"}");
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
                    w.Write("AUD", NpgsqlDbType.Text);
                    w.Write(status, NpgsqlDbType.Text);
                    w.Write(created, NpgsqlDbType.TimestampTz);
                    json.Clear();
                    json.Append("{\"id\":\"").Append(id).Append("\",\"event_id\":\"").Append(o.Event.EventbriteId)
                        .Append("\",\"name\":"); Str(json, name);
                    json.Append(",\"first_name\":"); Str(json, first);
                    json.Append(",\"last_name\":"); Str(json, last);
                    json.Append(",\"email\":"); Str(json, email);
                    json.Append(",\"status\":\"").Append(status)
                        .Append("\",\"created\":\"").Append(created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                        .Append("\",\"quantity\":").Append(o.Quantity)
                        .Append(",\"costs\":{\"gross\":"); Cost(json, o.GrossCents);
                    json.Append(",\"eventbrite_fee\":"); Cost(json, fee);
                    json.Append("}}");
                }
                w.Write(json.ToString(), NpgsqlDbType.Jsonb);
            }
        }));
        w.Complete();
    }

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

    private static void Cost(StringBuilder sb, long cents)
    {
        sb.Append("{\"currency\":\"AUD\",\"value\":").Append(cents).Append(",\"major_value\":\"");
        Num(sb, cents);
        sb.Append("\",\"display\":\"A$");
        Num(sb, cents);
        sb.Append("\"}");
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
