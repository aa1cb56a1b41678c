using System.Diagnostics;
using CrmOps.Errors;
using Npgsql;

namespace CrmOps.Sandbox;

/// <summary>
/// A streaming standby beside the sandbox (Start-CrmSandbox -Standby): pg_basebackup -R of the running primary into
/// the sandbox's folder, started as a hot standby on a port of its own, so that read replicas are tested for real.
/// It lives and dies with the sandbox: Stop() and the watchdog stop it first, and its folder is inside the sandbox's.
/// </summary>
public sealed partial class SandboxCluster
{
    /// <summary>The standby's port, or null without a standby.</summary>
    public int? StandbyPort { get; private set; }
    public string? StandbyDataDirectory { get; private set; }
    public int? StandbyProcessId { get; private set; }
    private bool _standbyRunning;

    /// <summary>Connects as the owner to the standby's CRM database (read-only: it is in recovery).</summary>
    public string? StandbyConnectionString(string database = DatabaseName) => StandbyPort is { } port
        ? $"Host=127.0.0.1;Port={port};Username={Owner};Database={database}" + (Tls ? $";SSL Mode=VerifyFull;Root Certificate={CertificateAuthorityPath}" : "")
        : null;

    /// <summary>
    /// Takes a base backup of the running sandbox and starts it as a streaming hot standby; returns once the standby
    /// streams from the primary and has replayed everything the primary had written when it started.
    /// </summary>
    public void StartStandby(Action<string>? log = null, CancellationToken cancel = default)
    {
        if (StandbyPort != null) return;
        // Replication connections match only "replication" lines: allow the owner's, over the socket (no TLS needed).
        var hba = Path.Combine(DataDirectory, "pg_hba.conf");
        File.AppendAllText(hba, $"# Start-CrmSandbox -Standby: the standby streams over the socket\nlocal replication {Owner} trust\n");
        RunPg("pg_ctl", $"-D \"{DataDirectory}\" reload");

        var standbyData = Path.Combine(RootDirectory, "standby");
        log?.Invoke($"Taking a base backup of 127.0.0.1:{Port} into {standbyData} (pg_basebackup -R).");
        var clock = Stopwatch.StartNew();
        // The reload above is asynchronous: the first attempt may still meet the old rules.
        (int Code, string Output) backup = (1, "");
        for (var attempt = 0; attempt < 20 && backup.Code != 0; attempt++)
        {
            cancel.ThrowIfCancellationRequested();
            if (attempt > 0) { Thread.Sleep(250); Run("rm", $"-rf \"{standbyData}\"", check: false); }
            backup = RunAsServer(FindTool("pg_basebackup"), $"-h \"{RootDirectory}\" -p {Port} -U {Owner} -D \"{standbyData}\" -R -X stream -c fast --no-sync");
        }
        if (backup.Code != 0)
            throw new CrmException("SandboxStandbyFailed", CrmErrorKind.ResourceUnavailable,
                $"pg_basebackup of the sandbox on 127.0.0.1:{Port} failed: {LastLines(null, backup.Output)}");
        StandbyDataDirectory = standbyData;

        var port = FreePort();
        var logFile = Path.Combine(RootDirectory, "standby.log");
        log?.Invoke($"Starting the standby on 127.0.0.1:{port} (base backup took {clock.Elapsed.TotalSeconds:0.0} s).");
        var options = ServerOptions(port) + " -c hot_standby=on -c hot_standby_feedback=on";
        // A hot standby needs max_worker_processes (and the other counted settings) at least as high as the primary's:
        // with pg_cron the primary runs 16, so the standby gets the same settings (pg_cron's jobs run on the primary only).
        if (PgCron) options += " " + string.Join(' ', SandboxPgCron.ServerSettings(PgCronDatabase).Select(s => "-c " + s));
        var (code, output) = RunPg("pg_ctl", $"-D \"{standbyData}\" -l \"{logFile}\" -o \"{options.Replace("\"", "\\\"")}\" -w -t 120 start");
        if (code != 0)
            throw new CrmException("SandboxStandbyFailed", CrmErrorKind.ResourceUnavailable,
                $"The standby did not start on 127.0.0.1:{port}: {LastLines(logFile, output)}");
        _standbyRunning = true;
        StandbyPort = port;
        var pidFile = Path.Combine(standbyData, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)) StandbyProcessId = pid;
        // The watchdog must stop the standby too.
        try { _watchdog?.Kill(); } catch { /* already gone */ }
        StartWatchdog();
        WaitForStreaming(cancel);
        log?.Invoke($"The standby on 127.0.0.1:{port} streams from 127.0.0.1:{Port}.");
    }

    /// <summary>Until the standby's WAL receiver streams and it has replayed the primary's WAL position as of now (60 s at most).</summary>
    private void WaitForStreaming(CancellationToken cancel)
    {
        string target;
        using (var primary = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false"))
        {
            primary.Open();
            using var cmd = new NpgsqlCommand(SandboxSql.Get("Sandbox/wal-position.sql"), primary);
            target = (string)cmd.ExecuteScalar()!;
        }
        var deadline = Stopwatch.StartNew();
        string last = "";
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            cancel.ThrowIfCancellationRequested();
            try
            {
                using var standby = new NpgsqlConnection(StandbyConnectionString("postgres") + ";Pooling=false");
                standby.Open();
                using var cmd = new NpgsqlCommand(SandboxSql.Get("Sandbox/standby-caught-up.sql"), standby);
                cmd.Parameters.AddWithValue("target", target);
                using var r = cmd.ExecuteReader();
                r.Read();
                if (r.GetBoolean(0)) return;
                last = r.IsDBNull(1) ? "no WAL receiver yet" : "WAL receiver " + r.GetString(1);
            }
            catch (NpgsqlException ex) { last = ex.Message; }
            Thread.Sleep(100);
        }
        throw new CrmException("SandboxStandbyFailed", CrmErrorKind.ResourceUnavailable,
            $"The standby on 127.0.0.1:{StandbyPort} did not catch up with 127.0.0.1:{Port} within 60 s ({last}).");
    }

    /// <summary>
    /// A client tool of the same installation as pg_ctl: beside it, beside what it links to (PATH may hold only
    /// links to initdb, pg_ctl and postgres), or on PATH.
    /// </summary>
    private string FindTool(string name)
    {
        var beside = Path.Combine(BinDirectory, Exe(name));
        if (File.Exists(beside)) return beside;
        var pgCtl = new FileInfo(Path.Combine(BinDirectory, Exe("pg_ctl")));
        if (pgCtl.ResolveLinkTarget(returnFinalTarget: true) is { } target && Path.GetDirectoryName(target.FullName) is { } dir &&
            File.Exists(Path.Combine(dir, Exe(name))))
            return Path.Combine(dir, Exe(name));
        foreach (var d in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(d, Exe(name)))) return Path.Combine(d, Exe(name));
        throw new CrmException("PostgresToolMissing", CrmErrorKind.NotInstalled,
            $"{name} was not found beside {BinDirectory}/pg_ctl or on PATH: install PostgreSQL's client programs (Debian/Ubuntu: apt-get install -y postgresql-client).")
        { RecommendedAction = "sudo apt-get install -y postgresql-client" };
    }

    private (int Code, string Output) RunAsServer(string exe, string arguments) =>
        _asRoot ? Run("runuser", $"-u {ServiceUser} -- \"{exe}\" {arguments}", check: false) : Run(exe, arguments, check: false);

    private void StopStandby()
    {
        if (StandbyDataDirectory == null) return;
        if (_standbyRunning || File.Exists(Path.Combine(StandbyDataDirectory, "postmaster.pid")))
        {
            var (code, _) = RunPg("pg_ctl", $"-D \"{StandbyDataDirectory}\" -m fast -w -t 20 stop");
            if (code != 0 && StandbyProcessId is { } pid)
            {
                try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch { /* already gone */ }
            }
            if (StandbyProcessId is { } serverPid)
                for (var i = 0; i < 100 && IsAlive(serverPid); i++) Thread.Sleep(50);
        }
        _standbyRunning = false;
    }
}
