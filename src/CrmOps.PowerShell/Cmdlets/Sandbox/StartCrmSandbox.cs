using System.Management.Automation;
using CrmOps.PowerShell.Infrastructure;
using CrmOps.Sandbox;

namespace CrmOps.PowerShell.Cmdlets.Sandbox;

[Cmdlet(VerbsLifecycle.Start, "CrmSandbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CrmSandbox))]
public sealed class StartCrmSandbox : CrmCmdletBase
{
    [Parameter]
    [ValidateRange(100, 10_000_000)]
    public int Customers { get; set; } = SampleDataDefaults.DefaultCustomers;

    [Parameter]
    public int Seed { get; set; } = SampleDataDefaults.DefaultSeed;

    [Parameter]
    public SwitchParameter Empty { get; set; }

    /// <summary>Serve TLS only, with a certificate from a private CA (CrmSandbox.CertificateAuthorityPath).</summary>
    [Parameter]
    public SwitchParameter Tls { get; set; }

    /// <summary>Start the server without pg_cron even when it is installed (as many servers are).</summary>
    [Parameter]
    public SwitchParameter NoCron { get; set; }
    /// <summary>Start a streaming standby beside it (pg_basebackup -R); the sandbox's connection reads from it.</summary>
    [Parameter]
    public SwitchParameter Standby { get; set; }
    /// <summary>Shape it like a hosted Supabase project: non-superuser postgres, API roles, a transaction pooler.</summary>
    [Parameter]
    public SwitchParameter Supabase { get; set; }

    /// <summary>Do not make the sandbox the session default connection.</summary>
    [Parameter]
    public SwitchParameter NoDefault { get; set; }

    protected override void ProcessCrmRecord()
    {
        var what = (Empty ? "an empty CRM database" : $"a CRM database with {Customers:N0} customers (seed {Seed})") + (Supabase ? ", shaped like a Supabase project" : "") + (Standby ? ", and a streaming standby" : "");
        if (!CrmHost.ShouldProcess("127.0.0.1 (a new private PostgreSQL cluster)", $"Start a sandbox holding {what}")) return;
        var sandbox = SandboxBuilder.Start(new SandboxOptions { Customers = Customers, Seed = Seed, Empty = Empty, Tls = Tls, PgCron = !NoCron, Supabase = Supabase, Standby = Standby }, CrmHost);
        CrmSession.Sandboxes.Add(sandbox);
        if (!NoDefault) CrmSession.Default = sandbox.Connection;
        WriteObject(sandbox);
    }
}
