using System.Diagnostics;
using Npgsql;

namespace CrmOps.Sandbox;

/// <summary>
/// pg_cron for a sandbox cluster, as one reusable piece (the vanilla and the Supabase-shaped sandbox use it):
/// whether the server binaries have it (Debian: the package postgresql-&lt;major&gt;-cron), the settings the
/// server must start with (pg_cron can only be loaded at server start), and enabling it in the database
/// that holds the jobs. Jobs run in background workers, so they need no password or pg_hba entry.
/// </summary>
public static class SandboxPgCron
{
    /// <summary>Whether pg_cron is installed beside these server binaries; <paramref name="why"/> says what is missing and how to install it.</summary>
    public static bool IsInstalled(string binDirectory, out string why)
    {
        var (lib, share, major) = Directories(binDirectory);
        var so = Path.Combine(lib, OperatingSystem.IsWindows() ? "pg_cron.dll" : OperatingSystem.IsMacOS() ? "pg_cron.dylib" : "pg_cron.so");
        var control = Path.Combine(share, "extension", "pg_cron.control");
        if (File.Exists(so) && File.Exists(control)) { why = ""; return true; }
        why = $"pg_cron is not installed for the PostgreSQL {major} server in {binDirectory} (no {(File.Exists(so) ? control : so)}): " +
              $"install it (Debian/Ubuntu: sudo apt-get install -y postgresql-{major}-cron) and start a new sandbox to try Register-CrmSchedule.";
        return false;
    }

    /// <summary>The server settings (-c name=value) that load pg_cron and keep its jobs in <paramref name="database"/>.</summary>
    public static IReadOnlyList<string> ServerSettings(string database) =>
    [
        "shared_preload_libraries=pg_cron",
        $"cron.database_name={database}",
        "cron.use_background_workers=on",
        // Each running job takes a background worker; PostgreSQL's default of 8 is shared with parallel query.
        "max_worker_processes=16",
    ];

    /// <summary>Enables pg_cron in the database the connection is on (the one ServerSettings named); returns its version.</summary>
    public static string Enable(NpgsqlConnection conn)
    {
        using var cmd = new NpgsqlCommand(SandboxSql.Get("Sandbox/pg-cron.sql"), conn);
        return (string)cmd.ExecuteScalar()!;
    }

    /// <summary>pkglibdir, sharedir and major version of the server binaries: from pg_config when it is there, else the usual layouts.</summary>
    private static (string Lib, string Share, string Major) Directories(string binDirectory)
    {
        // Binaries linked onto PATH (/usr/local/bin/postgres -> /usr/lib/postgresql/15/bin/postgres): the real folder.
        var postgres = Path.Combine(binDirectory, OperatingSystem.IsWindows() ? "postgres.exe" : "postgres");
        try
        {
            if (File.Exists(postgres) && new FileInfo(postgres).ResolveLinkTarget(returnFinalTarget: true) is { } target)
                binDirectory = Path.GetDirectoryName(target.FullName) ?? binDirectory;
        }
        catch (IOException) { /* an unreadable link: use the folder as given */ }
        var pgConfig = Path.Combine(binDirectory, OperatingSystem.IsWindows() ? "pg_config.exe" : "pg_config");
        string? lib = null, share = null, major = null;
        if (File.Exists(pgConfig))
        {
            try
            {
                var psi = new ProcessStartInfo(pgConfig, "--pkglibdir --sharedir --version")
                {
                    UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
                };
                using var p = Process.Start(psi)!;
                var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                p.WaitForExit();
                if (p.ExitCode == 0 && lines.Length >= 3)
                {
                    lib = lines[0]; share = lines[1];
                    major = lines[2].Split(' ').ElementAtOrDefault(1)?.Split('.')[0];
                }
            }
            catch (System.ComponentModel.Win32Exception) { /* not runnable: guess below */ }
        }
        var parent = Path.GetDirectoryName(Path.GetFullPath(binDirectory).TrimEnd(Path.DirectorySeparatorChar)) ?? binDirectory;
        major ??= Path.GetFileName(parent);
        lib ??= Path.Combine(parent, "lib");
        share ??= Directory.Exists($"/usr/share/postgresql/{major}") ? $"/usr/share/postgresql/{major}" : Path.Combine(parent, "share");
        return (lib, share, major);
    }
}
