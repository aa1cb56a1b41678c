using System.Reflection;
using System.Runtime.Loader;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>The module's own load context: CrmOps.Core and its dependencies from bin/deps (see <see cref="ModuleInitializer"/>).</summary>
internal sealed class CrmOpsLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public CrmOpsLoadContext(string directory) : base("CrmOps", isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName name)
    {
        // null: from the default context (the framework, and CrmOps.Model shared with the cmdlets).
        var path = Path.Combine(_directory, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
