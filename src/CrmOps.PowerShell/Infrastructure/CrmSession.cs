namespace CrmOps.PowerShell.Infrastructure;

/// <summary>The session default connection and the sandboxes this process started.</summary>
internal static class CrmSession
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, CrmConnection> ByString = new(StringComparer.Ordinal);

    public static CrmConnection? Default { get; set; }

    /// <summary>Sandboxes started in this process, newest last.</summary>
    public static List<CrmSandbox> Sandboxes { get; } = new();

    /// <summary>One pooled data source per distinct connection string given to -Connection.</summary>
    public static CrmConnection ForString(string connectionString)
    {
        lock (Gate)
        {
            if (ByString.TryGetValue(connectionString, out var existing)) return existing;
        }
        // Not opened here: a failure belongs to the command (CrmOps.Connection* error), not to parameter binding.
        var created = Connections.ConnectionFactory.Deferred(connectionString);
        if (created.Host.Length == 0) return created; // a string that cannot work is not cached
        lock (Gate)
        {
            if (ByString.TryGetValue(connectionString, out var raced)) { created.Dispose(); return raced; }
            ByString[connectionString] = created;
            return created;
        }
    }

    public static void DisposeAll()
    {
        lock (Gate)
        {
            foreach (var c in ByString.Values) c.Dispose();
            ByString.Clear();
        }
        Sandbox.SandboxCluster.StopAll();
        Default = null;
    }
}
