using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Dependency isolation, Microsoft's documented pattern for binary modules: CrmOps.dll (this
/// assembly, cmdlets only) loads in the default context; CrmOps.Core and everything it needs
/// (Npgsql, Microsoft.Extensions.Logging.Abstractions, ...) load from the deps folder into their own
/// AssemblyLoadContext. So other versions of those assemblies already loaded in the session, or
/// loaded later, never clash with ours.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DepsDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "deps");

    private static readonly CrmOpsLoadContext Context = new(DepsDirectory);
    private static int _registered;

    public void OnImport()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            AssemblyLoadContext.Default.Resolving += ResolveCore;
    }

    public void OnRemove(PSModuleInfo module)
    {
        CrmSession.DisposeAll();
    }

    // Only the core assembly is redirected from the default context; its own references are then
    // resolved by CrmOpsLoadContext.Load, inside the isolated context.
    private static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name) =>
        name.Name == "CrmOps.Core" ? Context.LoadFromAssemblyName(name) : null;
}

internal sealed class CrmOpsLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public CrmOpsLoadContext(string directory) : base("CrmOps", isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(_directory, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null; // null: the framework, from the default context
    }
}
