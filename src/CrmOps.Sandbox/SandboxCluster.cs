using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using CrmOps.Errors;

namespace CrmOps.Sandbox;

/// <summary>
/// A private PostgreSQL cluster in a temp folder: 127.0.0.1 only, a free port, trust authentication
/// for its owner role (so there is no password to leak), fsync off (it is throwaway). Started from a
/// cached initdb template, so a start takes well under a second after the first. Runs the server as
/// an unprivileged user when we are root. Leaves nothing behind: Stop() removes process and folder,
/// a process-exit hook stops what is still running, and a detached watchdog stops the server and
/// deletes the folder if the owning process dies without either.
/// </summary>
public sealed partial class SandboxCluster : ISandboxCluster
{
    // The owner role is called postgres, as on Supabase. (A role named like the crmops schema would put
    // its unqualified CREATEs there, through search_path's "$user".)
    public const string Owner = "postgres";
    /// <summary>The Supabase-shaped sandbox's bootstrap superuser (postgres is not a superuser there).</summary>
    public const string SupabaseAdmin = "supabase_admin";
    /// <summary>The CRM database's name (Sql/Sandbox/create-database.sql creates it).</summary>
    public const string DatabaseName = "crm";
    /// <summary>The Supabase-shaped sandbox keeps the CRM where a Supabase project keeps it: database postgres.</summary>
    public const string SupabaseDatabaseName = "postgres";
    private const string ServiceUser = "postgres";

    private static readonly List<SandboxCluster> Running = new();
    private static int _hooked;

    public string BinDirectory { get; }
    public string RootDirectory { get; }
    public string DataDirectory => Path.Combine(RootDirectory, "data");
    public int Port { get; private set; }
    public int? ProcessId { get; private set; }
    public string ServerVersion { get; private set; } = "";
    public bool IsRunning { get; private set; }
    private readonly bool _asRoot;
    private SandboxPooler? _pooler;

    /// <summary>The Supabase shape's transaction-mode pooler (PgBouncer standing in for Supavisor's port 6543); null without one.</summary>
    public int? PoolerPort => _pooler?.Port;

    /// <summary>Why the Supabase shape has no pooler (PgBouncer is not installed), or null.</summary>
    public string? PoolerMissing { get; private set; }

    /// <summary>Connects as postgres through the transaction pooler (Pooler=transaction: nothing relies on session state).</summary>
    public string? PoolerConnectionString(string? database = null) =>
        _pooler == null ? null : $"Host=127.0.0.1;Port={_pooler.Port};Username={Owner};Database={database ?? CrmDatabase};Pooler=transaction";
    private Process? _watchdog;

    private SandboxCluster(string bin, string root, bool asRoot, bool supabase)
    {
        BinDirectory = bin;
        RootDirectory = root;
        _asRoot = asRoot;
        Supabase = supabase;
    }

    /// <summary>Shaped like a hosted Supabase project (-Supabase): supabase_admin is the superuser, postgres is not.</summary>
    public bool Supabase { get; }

    /// <summary>The database that holds the CRM: crm, or postgres in the Supabase shape.</summary>
    public string CrmDatabase => Supabase ? SupabaseDatabaseName : DatabaseName;

    /// <summary>The superuser: postgres, or supabase_admin in the Supabase shape (both authenticate by trust on loopback).</summary>
    public string Superuser => Supabase ? SupabaseAdmin : Owner;

    /// <summary>Connects as postgres (trust on loopback: no password) to the CRM database or the one named.</summary>
    public string ConnectionString(string? database = null) => ConnectionStringFor(Owner, database);

    /// <summary>Connects as the superuser (supabase_admin in the Supabase shape).</summary>
    public string SuperuserConnectionString(string? database = null) => ConnectionStringFor(Superuser, database);

    private string ConnectionStringFor(string user, string? database) =>
        $"Host=127.0.0.1;Port={Port};Username={user};Database={database ?? CrmDatabase}" +
        (Tls ? $";SSL Mode=VerifyFull;Root Certificate={CertificateAuthorityPath}" : "");

    /// <summary>Finds initdb/pg_ctl: $env:CRMOPS_PG_BIN, then PATH, then /usr/lib/postgresql/*/bin (newest).</summary>
    public static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("CRMOPS_PG_BIN") is { Length: > 0 } env) candidates.Add(env);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            candidates.Add(dir);
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        foreach (var c in candidates)
            if (File.Exists(Path.Combine(c, Exe("initdb"))) && File.Exists(Path.Combine(c, Exe("pg_ctl"))) && File.Exists(Path.Combine(c, Exe("postgres"))))
                return c;
        throw new CrmException("PostgresNotInstalled", CrmErrorKind.NotInstalled,
            "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH, under /usr/lib/postgresql/*/bin or in $env:CRMOPS_PG_BIN. " +
            "Install them: 'sudo apt-get install -y postgresql' (Debian/Ubuntu) or 'brew install postgresql@15' (macOS), or set $env:CRMOPS_PG_BIN to the folder holding initdb.")
        { RecommendedAction = "sudo apt-get install -y postgresql" };
    }

    private static string Exe(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    /// <summary>With TLS: the CA certificate (PEM) that signed the server's certificate, for VerifyFull clients.</summary>
    public string? CertificateAuthorityPath { get; private set; }
    public bool Tls { get; private set; }

    /// <summary>pg_cron is loaded (shared_preload_libraries), its jobs kept in <see cref="PgCronDatabase"/>: see <see cref="SandboxPgCron"/>.</summary>
    public bool PgCron { get; private set; }

    /// <summary>
    /// Where pg_cron keeps its jobs: postgres, pg_cron's default, as on a server of one's own. Its launcher stays
    /// connected there, so the CRM database stays free to be a template (CREATE DATABASE ... TEMPLATE crm); jobs
    /// for the CRM run in it through cron.schedule_in_database.
    /// </summary>
    public const string PgCronDatabase = "postgres";

    /// <summary>
    /// Starts a cluster. With <paramref name="pgCron"/>, the server loads pg_cron when it is installed (it says why
    /// not through <paramref name="log"/> otherwise); the database that holds the jobs is <see cref="PgCronDatabase"/>.
    /// With <paramref name="supabase"/>, the Supabase shape (no pg_cron: its bootstrap superuser is not postgres).
    /// </summary>
    public static SandboxCluster Start(Action<string>? log = null, bool tls = false, bool pgCron = true, bool supabase = false)
    {
        var bin = FindBinaries();
        var asRoot = IsRoot();
        if (asRoot && !UserExists(ServiceUser))
            throw new CrmException("SandboxNoServiceUser", CrmErrorKind.InvalidOperation,
                $"PostgreSQL refuses to run as root, and there is no unprivileged '{ServiceUser}' user to run it as. Create one (useradd -r {ServiceUser}) or run as a normal user.");
        var root = Path.Combine(Path.GetTempPath(), "crmops-sandbox-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(root);
        var cluster = new SandboxCluster(bin, root, asRoot, supabase) { Tls = tls };
        if (pgCron && !supabase)
        {
            cluster.PgCron = SandboxPgCron.IsInstalled(bin, out var why);
            if (!cluster.PgCron) log?.Invoke(why);
        }
        try
        {
            cluster.StartCore(log);
            return cluster;
        }
        catch
        {
            cluster.Stop();
            throw;
        }
    }

    private void StartCore(Action<string>? log)
    {
        HookProcessExit();
        if (_asRoot) Run("chown", $"{ServiceUser} \"{RootDirectory}\"");
        var template = EnsureTemplate(log);
        // cp -a keeps the owner (the service user when we are root) and the 0700 mode PostgreSQL demands.
        Run("cp", $"-a \"{template}\" \"{DataDirectory}\"");
        if (Tls) SetUpTls(log);
        Port = FreePort();
        var options = ServerOptions(Port);
        if (PgCron) options += " " + string.Join(' ', SandboxPgCron.ServerSettings(PgCronDatabase).Select(s => "-c " + s));
        var logFile = Path.Combine(RootDirectory, "server.log");
        log?.Invoke($"Starting PostgreSQL from {BinDirectory} on 127.0.0.1:{Port}, data in {DataDirectory}.");
        var (code, output) = RunPg("pg_ctl", $"-D \"{DataDirectory}\" -l \"{logFile}\" -o \"{options.Replace("\"", "\\\"")}\" -w -t 30 start");
        if (code != 0)
            throw new CrmException("SandboxStartFailed", CrmErrorKind.ResourceUnavailable,
                $"The sandbox server did not start on 127.0.0.1:{Port}: {LastLines(logFile, output)}");
        IsRunning = true;
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)) ProcessId = pid;
        lock (Running) Running.Add(this);
        if (Supabase) StartPooler(log);
        StartWatchdog();
    }

    /// <summary>The server's settings (pg_ctl -o): loopback and the given port only, throwaway durability, sizes for millions of rows.</summary>
    private string ServerOptions(int port) => string.Join(' ',
        "-c listen_addresses=127.0.0.1", $"-c port={port}", $"-c unix_socket_directories='{RootDirectory}'",
        "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_wal_size=8GB",
        "-c checkpoint_timeout=30min", "-c shared_buffers=1GB", "-c maintenance_work_mem=256MB",
        "-c work_mem=32MB", "-c max_connections=100", "-c timezone=UTC", "-c logging_collector=off", "-c log_min_messages=warning",
        Tls ? "-c ssl=on" : "-c ssl=off");

    /// <summary>
    /// An initdb'd cluster kept in the user's cache, copied for each sandbox (initdb takes ~1.3 s, a copy ~0.1 s).
    /// The Supabase shape has its own template: bootstrap superuser supabase_admin, Supabase's roles and, in databases
    /// postgres and template1, its schemas and default privileges (Sql/Sandbox/supabase-*.sql, run once here).
    /// </summary>
    private string EnsureTemplate(Action<string>? log)
    {
        var version = RunPg("pg_ctl", "--version").Output.Trim();
        ServerVersion = version.Split(' ').LastOrDefault() ?? version;
        var cacheRoot = Environment.GetEnvironmentVariable("CRMOPS_CACHE") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) is { Length: > 0 } l ? l : Path.GetTempPath(), "crmops");
        // The Supabase template's key covers its setup scripts: editing them builds a new template.
        var shape = Supabase ? "|supabase|" + SandboxSql.Get("Sandbox/supabase-roles.sql") + SandboxSql.Get("Sandbox/supabase-database.sql") : "";
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(BinDirectory + "|" + version + "|v3" + shape)))[..12].ToLowerInvariant();
        var template = Path.Combine(cacheRoot, (Supabase ? "template-supabase-" : "template-") + key);
        if (File.Exists(Path.Combine(template, "PG_VERSION"))) return template;

        Directory.CreateDirectory(cacheRoot);
        var staging = Path.Combine(RootDirectory, "template");
        log?.Invoke($"Creating the {(Supabase ? "Supabase-shaped " : "")}sandbox template cluster with initdb (once per machine).");
        var (code, output) = RunPg("initdb", $"-D \"{staging}\" -U {Superuser} --auth=trust -E UTF8 --locale=C.UTF-8 --no-instructions");
        if (code != 0)
            (code, output) = RunPg("initdb", $"-D \"{staging}\" -U {Superuser} --auth=trust -E UTF8 --locale=C --no-instructions");
        if (code != 0)
            throw new CrmException("SandboxInitdbFailed", CrmErrorKind.ResourceUnavailable, "initdb failed: " + LastLines(null, output));
        // The owner role (and in the Supabase shape the superuser) authenticates by trust on loopback (no password
        // exists to leak); every other role needs its password, so tests of authentication are real.
        File.WriteAllText(Path.Combine(staging, "pg_hba.conf"), Hba(tls: false));
        if (Supabase) ShapeLikeSupabase(staging, log);
        var final = template + "." + Guid.NewGuid().ToString("N")[..6];
        Run("cp", $"-a \"{staging}\" \"{final}\"");
        try { Directory.Move(final, template); }
        catch (IOException) { Run("rm", $"-rf \"{final}\""); } // another process won the race: use theirs
        Run("rm", $"-rf \"{staging}\"");
        return template;
    }

    /// <summary>The roles that authenticate by trust on loopback: postgres, and supabase_admin in the Supabase shape.</summary>
    private IEnumerable<string> TrustedRoles => Supabase ? [Owner, SupabaseAdmin] : [Owner];

    private string Hba(bool tls)
    {
        var sb = new StringBuilder(tls ? "# CrmOps sandbox with TLS: loopback only, TCP over TLS only\n" : "# CrmOps sandbox: loopback only\n");
        foreach (var role in TrustedRoles)
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"local all {role} trust\n{(tls ? "hostssl" : "host")} all {role} 127.0.0.1/32 trust\n");
        sb.Append(tls
            ? "local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 127.0.0.1/32 reject\n"
            : "local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n");
        return sb.ToString();
    }

    /// <summary>
    /// Starts the staging cluster once, as supabase_admin creates Supabase's roles (postgres: login, not superuser,
    /// owner of database postgres) and gives databases postgres and template1 Supabase's schemas and default
    /// privileges; sets pgrst.db_schemas (the schemas PostgREST serves, which Supabase's advisors read); stops it.
    /// </summary>
    private void ShapeLikeSupabase(string staging, Action<string>? log)
    {
        log?.Invoke("Shaping the template like a Supabase project: roles, schemas, default privileges.");
        File.AppendAllText(Path.Combine(staging, "postgresql.conf"),
            "\n# Supabase serves these schemas through PostgREST; its advisors read the setting.\npgrst.db_schemas = 'public, graphql_public'\n");
        var port = FreePort();
        var logFile = Path.Combine(RootDirectory, "template.log");
        var (code, output) = RunPg("pg_ctl", $"-D \"{staging}\" -l \"{logFile}\" -o \"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{RootDirectory}' -c fsync=off\" -w -t 30 start");
        if (code != 0)
            throw new CrmException("SandboxStartFailed", CrmErrorKind.ResourceUnavailable,
                $"The Supabase-shaped template did not start on 127.0.0.1:{port}: {LastLines(logFile, output)}");
        try
        {
            void Exec(string database, string file)
            {
                using var conn = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={port};Username={SupabaseAdmin};Database={database};Pooling=false");
                conn.Open();
                using var cmd = new Npgsql.NpgsqlCommand(SandboxSql.Get(file), conn);
                cmd.ExecuteNonQuery();
            }
            Exec("postgres", "Sandbox/supabase-roles.sql");
            Exec("postgres", "Sandbox/supabase-database.sql");
            Exec("template1", "Sandbox/supabase-database.sql");
        }
        finally
        {
            RunPg("pg_ctl", $"-D \"{staging}\" -m fast -w -t 20 stop");
        }
    }

    /// <summary>
    /// TLS for this sandbox: a fresh self-signed CA and a server certificate it signs (127.0.0.1 and
    /// localhost), written into the data folder (key mode 0600, owned by the server user), and an
    /// hba that accepts TCP connections over TLS only. The CA certificate goes to ca.crt in the root folder.
    /// </summary>
    private void SetUpTls(Action<string>? log)
    {
        log?.Invoke("Generating a private CA and a server certificate for TLS.");
        var (caPem, certPem, keyPem) = SandboxCertificates.Create();
        CertificateAuthorityPath = Path.Combine(RootDirectory, "ca.crt");
        File.WriteAllText(CertificateAuthorityPath, caPem);
        var crt = Path.Combine(DataDirectory, "server.crt");
        var key = Path.Combine(DataDirectory, "server.key");
        File.WriteAllText(crt, certPem);
        File.WriteAllText(key, keyPem);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(crt, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(Path.Combine(DataDirectory, "pg_hba.conf"), Hba(tls: true));
        if (_asRoot) Run("chown", $"{ServiceUser} \"{crt}\" \"{key}\" \"{Path.Combine(DataDirectory, "pg_hba.conf")}\"");
    }

    private void StartPooler(Action<string>? log)
    {
        var binary = SandboxPooler.Find();
        if (binary == null)
        {
            PoolerMissing = "PgBouncer is not installed (Debian/Ubuntu: apt-get install -y pgbouncer), so this sandbox has no transaction pooler: PoolerPort and PoolerConnectionString are empty.";
            return;
        }
        _pooler = SandboxPooler.Start(binary, RootDirectory, Port, TrustedRoles, _asRoot, ServiceUser);
        log?.Invoke($"Transaction pooler (PgBouncer, pool_mode = transaction) on 127.0.0.1:{_pooler.Port}.");
    }

    /// <summary>A detached shell that stops the server and deletes the folder if this process dies first.</summary>
    private void StartWatchdog()
    {
        if (OperatingSystem.IsWindows()) return;
        var pgCtl = Path.Combine(BinDirectory, "pg_ctl");
        var stop = _asRoot
            ? $"runuser -u {ServiceUser} -- \"{pgCtl}\" -D \"{DataDirectory}\" -m immediate -w stop"
            : $"\"{pgCtl}\" -D \"{DataDirectory}\" -m immediate -w stop";
        var standby = StandbyDataDirectory == null ? "" : (_asRoot
            ? $"runuser -u {ServiceUser} -- \"{pgCtl}\" -D \"{StandbyDataDirectory}\" -m immediate -w stop >/dev/null 2>&1; "
            : $"\"{pgCtl}\" -D \"{StandbyDataDirectory}\" -m immediate -w stop >/dev/null 2>&1; ");
        var pooler = _pooler == null ? "" : $"[ -f \"{_pooler.PidFile}\" ] && kill $(cat \"{_pooler.PidFile}\") 2>/dev/null; ";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null && [ -d \"{RootDirectory}\" ]; do sleep 1; done; " +
                     $"if [ -d \"{RootDirectory}\" ]; then {pooler}{standby}{stop} >/dev/null 2>&1; rm -rf \"{RootDirectory}\"; fi";
        var psi = new ProcessStartInfo("setsid", new[] { "sh", "-c", script })
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        try { _watchdog = Process.Start(psi); }
        catch (System.ComponentModel.Win32Exception)
        {
            psi.FileName = "sh"; psi.ArgumentList.RemoveAt(0);
            _watchdog = Process.Start(psi);
        }
    }

    /// <summary>Stops the server and deletes the folder. Safe to call twice.</summary>
    public void Stop()
    {
        lock (Running) Running.Remove(this);
        StopStandby();
        _pooler?.Stop();
        if (IsRunning || File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var (code, _) = RunPg("pg_ctl", $"-D \"{DataDirectory}\" -m fast -w -t 20 stop");
            if (code != 0 && ProcessId is { } pid)
            {
                try { Process.GetProcessById(pid).Kill(entireProcessTree: true); } catch { /* already gone */ }
            }
            // pg_ctl returns once postmaster.pid is gone; wait for the process itself to end.
            if (ProcessId is { } serverPid)
                for (var i = 0; i < 100 && IsAlive(serverPid); i++) Thread.Sleep(50);
        }
        IsRunning = false;
        try { if (Directory.Exists(RootDirectory)) Run("rm", $"-rf \"{RootDirectory}\""); } catch { /* best effort */ }
        try { if (Directory.Exists(RootDirectory)) Directory.Delete(RootDirectory, true); } catch { /* best effort */ }
        try { _watchdog?.Kill(); } catch { /* already gone */ }
    }

    public static void StopAll()
    {
        SandboxCluster[] all;
        lock (Running) all = Running.ToArray();
        foreach (var c in all) c.Stop();
    }

    private static void HookProcessExit()
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
    }

    private (int Code, string Output) RunPg(string tool, string arguments)
    {
        var exe = Path.Combine(BinDirectory, Exe(tool));
        return _asRoot ? Run("runuser", $"-u {ServiceUser} -- \"{exe}\" {arguments}", check: false)
                       : Run(exe, arguments, check: false);
    }

    private static (int Code, string Output) Run(string file, string arguments, bool check = true)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var output = stdout.Result + stderr.Result;
        if (check && p.ExitCode != 0)
            throw new CrmException("SandboxCommandFailed", CrmErrorKind.ResourceUnavailable,
                $"'{Path.GetFileName(file)}' failed ({p.ExitCode}): {ConnectionsFirstLine(output)}");
        return (p.ExitCode, output);
    }

    private static string ConnectionsFirstLine(string s) => Connections.ConnectionFactory.FirstLine(s);

    private static string LastLines(string? logFile, string output)
    {
        var text = output;
        try { if (logFile != null && File.Exists(logFile)) text += "\n" + File.ReadAllText(logFile); } catch { }
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.TakeLast(3));
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var state = stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault();
                return state != 'Z' && state != 'X';
            }
            return !Process.GetProcessById(pid).HasExited;
        }
        catch { return false; }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool IsRoot() => !OperatingSystem.IsWindows() && geteuid() == 0;

    private static bool UserExists(string user) => Run("id", $"-u {user}", check: false).Code == 0;

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
