using System.Globalization;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Connections;

/// <summary>
/// Watches the backend of a piece of work while it runs and remembers the last lock it waited for: the relation (or
/// the row of which table), the mode, and each session that blocked it (pid, user, application, state, how long its
/// transaction has been open, what it holds, its query). PostgreSQL's lock_timeout error names neither the lock nor
/// the holder, and asking afterwards finds the holder gone or blames the wrong object; refresh, scoring and
/// migrations start one of these beside their transaction and name the blocker from what it saw.
/// Polls every quarter of the lock timeout (0.1 to 1 s) on a connection of its own, opened only when the work lasts
/// longer than one interval; a poll of a backend that is not waiting returns no row. Work whose lock waits are too short
/// for that (scoring's short lock waits) watches its last attempt <see cref="Closely"/>.
/// </summary>
public sealed class LockWatch : IDisposable
{
    private readonly CrmConnection _connection;
    private readonly Timer _timer;
    private readonly object _gate = new();
    private NpgsqlConnection? _watcher;
    private volatile int _pid;
    private volatile string? _last;
    private bool _disposed;

    /// <summary>A watch for work that waits at most <paramref name="lockTimeout"/> for a lock; it watches nothing until <see cref="Follow"/>.</summary>
    public LockWatch(CrmConnection connection, TimeSpan lockTimeout)
    {
        _connection = connection;
        var interval = TimeSpan.FromMilliseconds(Math.Clamp(lockTimeout.TotalMilliseconds / 4, 100, 1000));
        _timer = new Timer(_ => Poll(wait: false), null, interval, interval);
    }

    /// <summary>Starts watching the backend that runs <paramref name="tx"/>.</summary>
    public static LockWatch Start(CrmConnection connection, NpgsqlConnection conn, NpgsqlTransaction? tx, TimeSpan lockTimeout)
    {
        var watch = new LockWatch(connection, lockTimeout);
        watch.Follow(conn, tx);
        return watch;
    }

    /// <summary>Watches the backend of this transaction (through a transaction-mode pooler it can change from one transaction to the next).</summary>
    public void Follow(NpgsqlConnection conn, NpgsqlTransaction? tx) => _pid = BackendPid(conn, tx);

    /// <summary>
    /// The last lock wait seen, as one line ("AccessShareLock on public.orders_htx, held by pid 42 (user postgres,
    /// application 'psql', idle in transaction, transaction open 14 s, holding AccessExclusiveLock: LOCK TABLE ...)");
    /// null when the work never waited long enough to be seen.
    /// </summary>
    public string? LastWait => _last;

    /// <summary>
    /// Polls every <paramref name="interval"/> from a thread of its own (not the thread pool, which a busy machine can
    /// starve) until disposed: for a wait of a few hundred milliseconds that the timer could miss.
    /// </summary>
    public IDisposable Closely(TimeSpan interval)
    {
        var stop = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            do { Poll(wait: true); } while (!stop.Wait(interval));
        }) { IsBackground = true, Name = "CrmOps lock watch" };
        thread.Start();
        return new Stopper(() => { stop.Set(); thread.Join(TimeSpan.FromSeconds(10)); stop.Dispose(); });
    }

    private sealed class Stopper(Action stop) : IDisposable
    {
        private Action? _stop = stop;
        public void Dispose() => Interlocked.Exchange(ref _stop, null)?.Invoke();
    }

    private static int BackendPid(NpgsqlConnection conn, NpgsqlTransaction? tx) =>
        Db.Scalar<int>(conn, tx, SqlText.Get("Locks/backend-pid.sql"));

    private void Poll(bool wait)
    {
        // The timer skips a poll while the previous one still runs; a close watch waits for it.
        if (!Monitor.TryEnter(_gate, wait ? 5000 : 0)) return;
        try
        {
            if (_disposed || _pid == 0) return;
            if (_watcher == null)
            {
                _watcher = _connection.DataSource().CreateConnection();
                _watcher.Open();
            }
            using var cmd = new NpgsqlCommand(SqlText.Get("Locks/waiting.sql"), _watcher) { CommandTimeout = 5 };
            cmd.Parameters.AddWithValue("pid", _pid);
            using var r = cmd.ExecuteReader();
            string? lockName = null;
            var holders = new List<string>();
            while (r.Read())
            {
                var mode = r.GetString(1);
                var relation = r.StringOrNull(2);
                lockName ??= r.GetString(0) switch
                {
                    "relation" => $"{mode} on {relation}",
                    "tuple" or "transactionid" when relation != null => $"a row of {relation}",
                    var other => relation != null ? $"{mode} on {relation} ({other} lock)" : $"{mode} ({other} lock)",
                };
                if (r.IsDBNull(3)) continue;
                var open = r.IsDBNull(7) ? "" : $", transaction open {Seconds(r.GetInt64(7))}";
                var held = r.StringOrNull(9) is { } h ? $", holding {h}" : "";
                var query = r.GetString(8) is { Length: > 0 } q ? $": {q}" : "";
                holders.Add($"pid {r.GetInt32(3)} (user {Or(r.GetString(4))}, application '{r.GetString(5)}', {Or(r.GetString(6))}{open}{held}{query})");
            }
            if (lockName != null)
                _last = holders.Count > 0 ? $"{lockName}, held by {string.Join("; ", holders)}" : $"{lockName} (its holder had already finished)";
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
        {
            // Watching is best effort: the work's own error says what failed.
            try { _watcher?.Dispose(); } catch (Exception e) when (e is NpgsqlException or IOException) { }
            _watcher = null;
        }
        finally { Monitor.Exit(_gate); }
    }

    private static string Or(string s) => s.Length > 0 ? s : "?";

    private static string Seconds(long s) => s < 120
        ? s.ToString(CultureInfo.InvariantCulture) + " s"
        : s < 7200 ? (s / 60).ToString(CultureInfo.InvariantCulture) + " min" : (s / 3600).ToString(CultureInfo.InvariantCulture) + " h";

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            _disposed = true;
            try { _watcher?.Dispose(); } catch (Exception e) when (e is NpgsqlException or IOException) { }
            _watcher = null;
        }
    }
}
