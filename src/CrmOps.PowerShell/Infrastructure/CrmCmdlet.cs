using System.Management.Automation;
using System.Reflection;
using CrmOps.Errors;

namespace CrmOps.PowerShell.Infrastructure;

/// <summary>
/// Base of every CrmOps cmdlet that talks to a database: the shared -Connection parameter, and running the cmdlet's
/// body on each database it names.
/// </summary>
/// <remarks>
/// A cmdlet's body works on <see cref="Database"/>, one database. When -Connection names several (or they come down
/// the pipeline in objects' Connection property), this class runs the body once per database, each in its own copy
/// of the cmdlet (so whatever a cmdlet collects from the pipeline is per database): read-only commands
/// ([ReadsOnly], without -WhatIf) several at a time (-ThrottleLimit), their output written on the pipeline thread;
/// every other command one database at a time in the order given, stopping at the first that fails unless
/// -ContinueOnError. Every output object then carries a Connection property (the database it came from, which the
/// next command's -Connection binds by name) and an extra type name, "&lt;type&gt;#Databases", whose default view
/// shows it. A failure on one database is one non-terminating error naming it; the others go on.
/// </remarks>
public abstract class CrmCmdlet : CrmCmdletBase
{
    /// <summary>The suffix of the type name that selects an output type's view with a Connection column.</summary>
    public const string DatabasesViewSuffix = "#Databases";

    /// <summary>
    /// Databases: CrmConnections, CrmSandboxes, connection strings or names registered with Connect-CrmDatabase -Name.
    /// Default: the session's (Connect-CrmDatabase, Start-CrmSandbox).
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ConnectionTransformation]
    [ValidateNotNullOrEmpty]
    public CrmConnection[]? Connection { get; set; }

    /// <summary>With several databases: how many a read-only command works on at once (changing commands: one at a time).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>With several databases: a changing command goes on with the next database after one fails.</summary>
    [Parameter]
    public SwitchParameter ContinueOnError { get; set; }

    // This copy's database.
    private CrmConnection? _target;
    private CrmConnection? _resolved;
    private bool _begun;
    private bool _failed;

    // The invocation (the original copy only).
    private readonly List<CrmCmdlet> _copies = [];
    private bool _multi;
    private bool _boundOnCommandLine;
    private string? _stopped;

    /// <summary>
    /// The database this invocation (or this copy, in a multi-database run) works on: -Connection, else the session
    /// default, else the environment. A command marked [ReadsOnly] gets the connection's read replica instead when it
    /// has one that is current enough (<see cref="Connections.ReplicaRouting"/>); every other command gets the primary.
    /// With -Connection, it carries how the user named it, so that every command CrmOps recommends names the same database.
    /// </summary>
    protected CrmConnection Database => _resolved ??= Carry(Route(_target ??= Connection is { Length: > 0 } c ? c[0] : CrmSession.Default ?? ConnectFromEnvironment()));

    /// <summary>
    /// The connection with how the user named it (<see cref="CrmConnection.CommandArgument"/>) when -Connection was
    /// given: as typed for one database; with several, each one's own name or connection string.
    /// </summary>
    private CrmConnection Carry(CrmConnection connection)
    {
        if (Connection is not { Length: > 0 } || _target is not { } target) return connection;
        var argument = Invocation._multi
            ? Recommendations.ConnectionArgument(null, target)
            : Recommendations.ConnectionArgument(MyInvocation, target);
        return connection.WithCommandArgument(argument);
    }

    /// <summary>True for a command marked [ReadsOnly]: it may be served by a read replica.</summary>
    protected internal bool ReadsOnly => GetType().IsDefined(typeof(ReadsOnlyAttribute), inherit: true);

    /// <summary>True while the invocation works on more than one database (its output says which).</summary>
    protected bool SeveralDatabases => Invocation._multi;

    /// <summary>
    /// In a multi-database run, this copy's database as a file-name part (its registered name, else host-port-database):
    /// for commands that write a file per database. Null otherwise.
    /// </summary>
    protected string? DatabaseFileLabel => SeveralDatabases && _target is { } t
        ? string.Concat((t.Name ?? $"{t.Endpoint}-{t.Database}").Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '-'))
        : null;

    /// <summary>
    /// The file a command that writes one file per database writes for this copy's database: in a multi-database run
    /// the database's label goes before the extension (leads.csv: leads.prod.csv; schema.json.gz: schema.prod.json.gz),
    /// so that databases never overwrite each other's file; otherwise the path as given.
    /// </summary>
    protected string PathForDatabase(string full)
    {
        if (DatabaseFileLabel is not { } label) return full;
        var name = System.IO.Path.GetFileName(full);
        var ext = System.IO.Path.GetExtension(name);
        if (ext.Equals(".gz", StringComparison.OrdinalIgnoreCase) && System.IO.Path.GetExtension(System.IO.Path.GetFileNameWithoutExtension(name)) is { Length: > 0 } inner)
            ext = inner + ext;
        var stem = name[..(name.Length - ext.Length)];
        return System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full) ?? "", $"{stem}.{label}{ext}");
    }

    private CrmCmdlet Invocation => (Owner as CrmCmdlet) ?? this;

    private CrmConnection Route(CrmConnection connection) =>
        ReadsOnly ? Connections.ReplicaRouting.ForReading(connection, CrmHost) : connection;

    private static CrmConnection ConnectFromEnvironment()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CRMOPS_CONNECTION")) ||
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PGHOST")))
        {
            CrmSession.Default = Connections.ConnectionFactory.Connect((string?)null);
            return CrmSession.Default;
        }
        throw new CrmException("NoConnection", CrmErrorKind.ConnectionError,
            "No database connection. Run Connect-CrmDatabase (or Start-CrmSandbox), pass -Connection, or set $env:CRMOPS_CONNECTION.");
    }

    protected internal override string Redact(string text) => (_target ?? _resolved)?.Redact(text) ?? Connections.Secrets.Redact(text, null);

    // ---- Running the body on each database ----------------------------------------------------------------------

    private protected override void RunPhase(CmdletPhase phase)
    {
        switch (phase)
        {
            case CmdletPhase.Begin:
                // Each database's Begin runs when its copy starts (the databases may come down the pipeline).
                _boundOnCommandLine = MyInvocation.BoundParameters.ContainsKey(nameof(Connection));
                return;
            case CmdletPhase.Process:
                if (Targets() is { } targets) Run(targets, phase);
                return;
            default:
                if (_copies.Count > 0) Run(_copies.Select(c => c._target!).ToList(), phase);
                else if (Targets() is { } all) Run(all, phase); // no pipeline input came: End alone, on the command line's databases
                return;
        }
    }

    /// <summary>The databases of the current pipeline object (or the command line), in order, each once; null after an error saying why not.</summary>
    private List<CrmConnection>? Targets()
    {
        if (Connection is { Length: > 0 } given)
        {
            var list = new List<CrmConnection>();
            foreach (var c in given) if (!list.Any(x => ReferenceEquals(x, c))) list.Add(c);
            // Several databases, or databases that come down the pipeline (each object may name another): output says which.
            if (list.Count > 1 || !_boundOnCommandLine) _multi = true;
            return list;
        }
        // No -Connection: the session default, or (null) the environment's, resolved by Database only when the body
        // needs a database: some commands need none (New-CrmMigration writes a file).
        return [CrmSession.Default!];
    }

    private void Run(List<CrmConnection> targets, CmdletPhase phase)
    {
        var copies = targets.Select(CopyFor).ToList();
        if (!_multi)
        {
            // One database: the cmdlet as it always ran, errors as they always were.
            var only = copies[0];
            Guard(() => only.BeginAndInvoke(phase));
            return;
        }
        foreach (var c in copies.Where(c => !ReferenceEquals(c, this))) c.CopyParametersFrom(this);
        var active = copies.Where(c => !c._failed).ToList();
        if (_stopped != null || active.Count == 0) return;
        var concurrent = ReadsOnly && !SupportsShouldProcess && ThrottleLimit > 1 && active.Count > 1;
        try
        {
            if (concurrent) RunConcurrently(active, phase);
            else RunInOrder(active, phase);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    private bool SupportsShouldProcess => GetType().GetCustomAttribute<CmdletAttribute>()?.SupportsShouldProcess == true;

    /// <summary>This cmdlet for a database: itself for the first database it meets, a copy for each further one.</summary>
    private CrmCmdlet CopyFor(CrmConnection target)
    {
        if (_copies.FirstOrDefault(c => ReferenceEquals(c._target, target)) is { } known) return known;
        var copy = _copies.Count == 0 ? this : NewCopy();
        copy._target = target;
        if (_copies.Count > 0) _multi = true;
        _copies.Add(copy);
        return copy;
    }

    /// <summary>
    /// A copy of this cmdlet for one more database: PowerShell's side shared (MyInvocation, SessionState and
    /// ShouldProcess work), every field of the cmdlet's own classes (below CrmCmdlet) as in a new instance, so what a
    /// cmdlet collects from the pipeline is per database, and the parameters as bound now.
    /// </summary>
    private CrmCmdlet NewCopy()
    {
        var copy = (CrmCmdlet)ShallowCopy();
        var fresh = (CrmCmdlet)Activator.CreateInstance(GetType())!;
        for (var t = GetType(); t != null && t != typeof(CrmCmdlet); t = t.BaseType)
            foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                f.SetValue(copy, f.GetValue(fresh));
        fresh.Dispose();
        copy._target = null;
        copy._resolved = null;
        copy._begun = false;
        copy._failed = false;
        copy.CopyParametersFrom(this);
        return copy;
    }

    private void CopyParametersFrom(CrmCmdlet original)
    {
        foreach (var p in ParameterProperties(GetType())) p.SetValue(this, p.GetValue(original));
    }

    private void BeginAndInvoke(CmdletPhase phase)
    {
        if (!_begun)
        {
            _begun = true;
            InvokePhase(CmdletPhase.Begin);
        }
        if (phase != CmdletPhase.Begin) InvokePhase(phase);
    }

    /// <summary>One database's phase in a multi-database run: a failure is one error naming the database.</summary>
    private void RunOne(CrmCmdlet copy, CmdletPhase phase)
    {
        try
        {
            copy.BeginAndInvoke(phase);
        }
        catch (DatabaseFailedException)
        {
            copy._failed = true; // reported already
        }
        catch (CrmException ex)
        {
            copy.WriteError(ErrorRecords.From(copy.Named(ex)));
            // An error about this pipeline object leaves the database in the run; one that is about the database
            // (unreachable, refused) takes it out, so that it is reported once.
            if (IsTerminating(ex) || !ReadsOnly) copy._failed = true;
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not PipelineStoppedException and not ActionPreferenceStopException
                                       and not PipelineClosedException and not RuntimeException)
        {
            copy._failed = true;
            copy.WriteError(ErrorRecords.From(copy.Named(Unexpected(ex))));
        }
    }

    /// <summary>Changing commands (and a throttle of 1): one database after the other, on the pipeline thread.</summary>
    private void RunInOrder(List<CrmCmdlet> copies, CmdletPhase phase)
    {
        for (var i = 0; i < copies.Count; i++)
        {
            RunOne(copies[i], phase);
            if (copies[i]._failed && !ReadsOnly && !ContinueOnError)
            {
                var rest = copies.Skip(i + 1).Concat(_copies.Where(c => !copies.Contains(c))).Select(c => Label(c._target!)).Distinct().ToList();
                _stopped = Label(copies[i]._target!);
                if (rest.Count > 0)
                    WriteWarning($"Stopped after the failure on {_stopped}: not run on {string.Join(", ", rest)}. -ContinueOnError goes on with the next database after a failure.");
                return;
            }
        }
    }

    /// <summary>Read-only commands: up to -ThrottleLimit databases at once, their output written in order of arrival on the pipeline thread.</summary>
    private void RunConcurrently(List<CrmCmdlet> copies, CmdletPhase phase)
    {
        using var queue = new OutputQueue();
        Queue = queue;
        try
        {
            var next = -1;
            queue.Run(() =>
            {
                var workers = Enumerable.Range(0, Math.Min(ThrottleLimit, copies.Count)).Select(_ => new Thread(() =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < copies.Count && !StopToken.IsCancellationRequested)
                    {
                        try { RunOne(copies[i], phase); }
                        catch (OperationCanceledException) { return; } // the pipeline stopped
                    }
                })
                { IsBackground = true, Name = "CrmOps database" }).ToList();
                foreach (var w in workers) w.Start();
                foreach (var w in workers) w.Join();
            }, CancelWork);
        }
        finally
        {
            Queue = null;
        }
    }

    /// <summary>Errors in a multi-database run name the database, and never stop the others.</summary>
    protected internal override void WriteCrmError(CrmException ex)
    {
        if (!Invocation._multi)
        {
            base.WriteCrmError(ex);
            return;
        }
        WriteError(ErrorRecords.From(Named(ex)));
        if (IsTerminating(ex)) throw new DatabaseFailedException();
    }

    private CrmException Named(CrmException ex) => _target is not { } t ? ex :
        new CrmException(ex.ErrorId, ex.Kind, Redact($"{Label(t)}: {ex.Message}"), ex.TargetObject ?? t) { RecommendedAction = ex.RecommendedAction };

    private static string Label(CrmConnection c) => c.Name is { } name ? $"{name} ({c})" : c.ToString();

    /// <summary>In a multi-database run, each output object is marked with its database and gets the view that shows it.</summary>
    private protected override object? Prepare(object? item)
    {
        if (item is null || !Invocation._multi || _target is null) return item;
        var pso = PSObject.AsPSObject(item);
        if (pso.Properties[nameof(Connection)] == null) pso.Properties.Add(new PSNoteProperty(nameof(Connection), _target));
        if (pso.TypeNames.Count > 0 && pso.TypeNames[0] is { } first && first.StartsWith("CrmOps.", StringComparison.Ordinal) &&
            !first.EndsWith(DatabasesViewSuffix, StringComparison.Ordinal))
            pso.TypeNames.Insert(0, first + DatabasesViewSuffix);
        return pso;
    }

    /// <summary>Thrown after a database's failure was reported: ends that database's work, not the invocation.</summary>
    private sealed class DatabaseFailedException : Exception
    {
    }
}
