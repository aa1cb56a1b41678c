using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Dependency isolation, Microsoft's documented pattern for binary modules: CrmOps.dll (this
/// assembly, cmdlets only) and CrmOps.Model.dll (the output types, no dependencies) load in the
/// default context, so scripts can name [CrmOps.CrmLead]; CrmOps.Core, CrmOps.Sandbox and everything they need
/// (Npgsql, Microsoft.Extensions.Logging.Abstractions, ...) load from the deps folder into their own
/// AssemblyLoadContext. So other versions of those assemblies already loaded in the session, or
/// loaded later, never clash with ours.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
    private static readonly string DepsDirectory = Path.Combine(ModuleDirectory, "deps");

    private static readonly CrmOpsLoadContext Context = new(DepsDirectory);
    private static int _registered;

    public void OnImport()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            AssemblyLoadContext.Default.Resolving += ResolveCore;
    }

    /// <summary>
    /// Remove-Module: closes the session's connections and sandboxes and takes the resolver away, so nothing of ours
    /// answers for assemblies after the module is gone. The assemblies themselves stay loaded (.NET cannot unload the
    /// default context); Import-Module again registers the resolver again and finds the same CrmOps.Core.
    /// </summary>
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        CrmSession.DisposeAll();
        if (Interlocked.Exchange(ref _registered, 0) == 1)
            AssemblyLoadContext.Default.Resolving -= ResolveCore;
    }

    // The core goes to the isolated context, whose Load resolves the core's own references there.
    // The model is shared: it loads once, in the default context, from beside this assembly.
    private static Assembly? ResolveCore(AssemblyLoadContext defaultContext, AssemblyName name) => name.Name switch
    {
        "CrmOps.Core" or "CrmOps.Sandbox" => Context.LoadFromAssemblyName(name),
        "CrmOps.Model" => defaultContext.LoadFromAssemblyPath(Path.Combine(ModuleDirectory, "CrmOps.Model.dll")),
        _ => null,
    };
}
