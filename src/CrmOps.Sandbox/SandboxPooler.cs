using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CrmOps.Errors;

namespace CrmOps.Sandbox;

/// <summary>
/// A PgBouncer in transaction mode in front of a sandbox, standing in for Supabase's Supavisor on port 6543: sessions
/// are handed out per transaction, so no session state (SET, session advisory locks, named prepared statements)
/// survives a transaction. PgBouncer 1.18 (Debian 12) has no prepared-statement support in this mode, as Supavisor.
/// Runs as a daemon with its pid file in the sandbox's folder, so the sandbox's watchdog can stop it too.
/// </summary>
internal sealed class SandboxPooler
{
    public int Port { get; private init; }
    public string Directory { get; private init; } = "";
    public string PidFile => Path.Combine(Directory, "pgbouncer.pid");

    /// <summary>The pgbouncer binary (PATH, then /usr/sbin), or null when it is not installed.</summary>
    public static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin"))
        {
            var candidate = Path.Combine(dir, "pgbouncer");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Starts PgBouncer for the server on <paramref name="serverPort"/>; the login roles named pass through by trust (the server trusts them on loopback).</summary>
    public static SandboxPooler Start(string binary, string root, int serverPort, IEnumerable<string> users, bool asRoot, string serviceUser)
    {
        var dir = Path.Combine(root, "pooler");
        System.IO.Directory.CreateDirectory(dir);
        var port = FreePort();
        File.WriteAllText(Path.Combine(dir, "userlist.txt"), string.Concat(users.Select(u => $"\"{u}\" \"\"\n")));
        File.WriteAllText(Path.Combine(dir, "pgbouncer.ini"), $"""
            [databases]
            * = host=127.0.0.1 port={serverPort}
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {dir}/userlist.txt
            pool_mode = transaction
            max_client_conn = 200
            default_pool_size = 20
            logfile = {dir}/pgbouncer.log
            pidfile = {dir}/pgbouncer.pid
            ignore_startup_parameters = extra_float_digits,options
            """);
        var pooler = new SandboxPooler { Port = port, Directory = dir };
        // PgBouncer refuses to run as root: as root it runs as the server's user, which must own its folder.
        var psi = asRoot
            ? new ProcessStartInfo("runuser", ["-u", serviceUser, "--", binary, "-d", Path.Combine(dir, "pgbouncer.ini")])
            : new ProcessStartInfo(binary, ["-d", Path.Combine(dir, "pgbouncer.ini")]);
        if (asRoot) Exec("chown", ["-R", serviceUser, dir]);
        psi.UseShellExecute = false; psi.RedirectStandardOutput = true; psi.RedirectStandardError = true;
        using (var p = Process.Start(psi)!)
        {
            var err = p.StandardError.ReadToEnd() + p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw Failed(pooler, err);
        }
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return pooler;
            }
            catch (SocketException) { Thread.Sleep(20); }
        }
        pooler.Stop();
        throw Failed(pooler, "");
    }

    private static CrmException Failed(SandboxPooler pooler, string output)
    {
        var log = "";
        try { log = File.ReadAllText(Path.Combine(pooler.Directory, "pgbouncer.log")); } catch (IOException) { /* none yet */ }
        var last = string.Join(" | ", (output + "\n" + log).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(2));
        return new CrmException("SandboxPoolerFailed", CrmErrorKind.ResourceUnavailable,
            $"The sandbox's transaction pooler (PgBouncer) did not start on 127.0.0.1:{pooler.Port}: {last}");
    }

    /// <summary>Stops PgBouncer (SIGTERM to the pid in its pid file). Safe to call twice.</summary>
    public void Stop()
    {
        try
        {
            if (!File.Exists(PidFile)) return;
            if (!int.TryParse(File.ReadAllText(PidFile).Trim(), out var pid)) return;
            using var p = Process.GetProcessById(pid);
            p.Kill();
            p.WaitForExit(5000);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }

    private static void Exec(string file, string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.WaitForExit();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
