using CrmOps.Sql;

namespace CrmOps.Sandbox;

/// <summary>The sandbox's own SQL files (src/CrmOps.Sandbox/Sql/Sandbox/*.sql), read the way the core reads its own.</summary>
internal static class SandboxSql
{
    public static string Get(string name) => SqlText.Get(typeof(SandboxSql).Assembly, name);
}
