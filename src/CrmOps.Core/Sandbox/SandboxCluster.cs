namespace CrmOps.Sandbox;
public sealed partial class SandboxCluster { public bool IsRunning { get; private set; } }
public sealed partial class SandboxCluster { public static void StopAll() { } }
