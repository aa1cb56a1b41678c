namespace CrmOps.PowerShell.Infrastructure;

/// <summary>The session default connection, the named connections, and the sandboxes this process started.</summary>
internal static class CrmSession
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, CrmConnection> ByString = new(StringComparer.Ordinal);
    private static readonly List<CrmConnection> Named = [];

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

    /// <summary>Registers a connection under its name (Connect-CrmDatabase -Name), replacing one of the same name; returns the one replaced.</summary>
    public static CrmConnection? Register(CrmConnection connection)
    {
        lock (Gate)
        {
            var old = Named.FindIndex(c => string.Equals(c.Name, connection.Name, StringComparison.OrdinalIgnoreCase));
            CrmConnection? replaced = null;
            if (old >= 0) { replaced = Named[old]; Named[old] = connection; }
            else Named.Add(connection);
            return replaced;
        }
    }

    /// <summary>The connection registered under a name (case-insensitive), or null.</summary>
    public static CrmConnection? Find(string name)
    {
        lock (Gate) return Named.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The named connections, in the order they were registered.</summary>
    public static IReadOnlyList<CrmConnection> NamedConnections
    {
        get { lock (Gate) return Named.ToArray(); }
    }

    /// <summary>Forgets a named connection; returns it (null when there is none of that name).</summary>
    public static CrmConnection? Unregister(string name)
    {
        lock (Gate)
        {
            var i = Named.FindIndex(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            if (i < 0) return null;
            var c = Named[i];
            Named.RemoveAt(i);
            return c;
        }
    }

    public static void DisposeAll()
    {
        lock (Gate)
        {
            foreach (var c in ByString.Values) c.Dispose();
            ByString.Clear();
            foreach (var c in Named) if (!c.IsSandbox) c.Dispose();
            Named.Clear();
        }
        Sandbox.SandboxCluster.StopAll();
        Default = null;
    }
}
