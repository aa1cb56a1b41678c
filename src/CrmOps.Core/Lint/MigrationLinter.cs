using System.Globalization;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Migrations;
using Npgsql;

namespace CrmOps.Lint;

/// <summary>
/// Test-CrmMigration -Lint and the findings of Invoke-CrmMigration's plan: each statement of the migrations read
/// through <see cref="LintParser"/> and judged against the live catalog (row estimates, column types, casts,
/// dependencies, API roles and default privileges), in version order, with what earlier statements of the run
/// create, drop, rename, revoke and fix. Read-only: nothing is executed.
/// </summary>
public static class MigrationLinter
{
    /// <summary>Lints the pending migrations of a set (every migration with <paramref name="all"/>) against the database.</summary>
    public static IReadOnlyList<CrmLintFinding> Lint(CrmConnection connection, MigrationSet set, bool all, LintOptions options, Hosting.ICrmHost host)
    {
        var files = all
            ? set.Migrations.ToList()
            : MigrationStatus.Get(connection, set).Where(m => MigrationStatus.IsPending(m.State))
                .Select(m => set.Migrations.First(f => f.Version == m.Version)).ToList();
        return Db.ReadOnly(connection, (c, tx) =>
        {
            MigrationCommands.ExcludeOwnSchema(c, tx);
            return Run(c, tx, files, options, host);
        }, "Linting migrations");
    }

    /// <summary>Lints files in order, inside the caller's (read-only) transaction.</summary>
    internal static List<CrmLintFinding> Run(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<MigrationFile> files, LintOptions options, Hosting.ICrmHost? host = null)
    {
        var unknown = options.ExcludedRules.Where(r => !LintRules.Names.Contains(r)).ToList();
        if (unknown.Count > 0)
            throw new CrmException("LintRuleUnknown", CrmErrorKind.InvalidArgument,
                $"{LintOptions.ExcludeVariable} names {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which is no lint rule. The rules: {string.Join(", ", LintRules.Names)}.", unknown[0]);
        var run = new LintRun(new LintCatalog(conn, tx), options);
        for (var i = 0; i < files.Count; i++)
        {
            host?.Cancellation.ThrowIfCancellationRequested();
            if (files.Count > 1) host?.WriteProgress("Linting migrations", files[i].FileName, i * 100 / files.Count);
            run.File(files[i]);
        }
        if (files.Count > 1) host?.WriteProgress("Linting migrations", "Done", 100);
        return run.Finish(files).Where(f => !options.ExcludedRules.Contains(f.Rule)).ToList();
    }

    /// <summary>The one-line refusal for Error findings that the files do not allow (null when there are none).</summary>
    internal static string? Refusal(IEnumerable<CrmLintFinding> findings)
    {
        var errors = findings.Where(f => f.Severity == CrmLintSeverity.Error && !f.Allowed).ToList();
        if (errors.Count == 0) return null;
        var e = errors[0];
        var more = errors.Count > 1 ? $" ({errors.Count - 1} more Error finding(s): Test-CrmMigration -Lint lists them all)" : "";
        return $"Refused: {e.File} line {e.Line}: {e.Rule}: {e.Message} To run it anyway, add '-- crmops:allow {e.Rule} <reason>' to the file's header, or use -Force; nothing was changed.{more}";
    }
}

/// <summary>One lint run: the simulated catalog (what the linted migrations create, drop and rename) and the findings.</summary>
internal sealed class LintRun(LintCatalog catalog, LintOptions options)
{
    private enum Need { Rls, ApiRevoke, SearchPath }

    /// <summary>An object created by a linted migration.</summary>
    private sealed class Created(string key, char kind)
    {
        public string Key { get; set; } = key;
        public char Kind { get; } = kind;
        public bool HasUniqueIndex { get; set; }
        public bool WithData { get; set; } = true;
        public HashSet<string> Revoked { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>A finding that a later statement can still make unnecessary (RLS enabled, API access revoked, search_path fixed).</summary>
    private sealed class Obligation
    {
        public Need Need { get; init; }
        public string Key { get; set; } = "";
        public CrmLintFinding Finding { get; init; } = new();
        public MigrationFile File { get; init; } = new();
        public MigrationFile? FixedIn { get; set; }
        public int FixedLine { get; set; }
    }

    private readonly Dictionary<string, Created> _created = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dropped = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LiveRelation> _renamed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _addedColumns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _droppedColumns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _notNullChecked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Version, string? Column)> _notValid = new(StringComparer.Ordinal);
    private readonly List<Obligation> _obligations = [];
    private readonly List<CrmLintFinding> _findings = [];
    private readonly HashSet<string> _exposedSchemas = ExposedSchemas(catalog, options);

    private MigrationFile _file = new();
    private readonly List<(LiveRelation Rel, LintStatement St)> _touched = [];

    private static HashSet<string> ExposedSchemas(LintCatalog catalog, LintOptions o)
    {
        if (o.ExposedSchemas is { Count: > 0 } given) return new HashSet<string>(given, StringComparer.Ordinal);
        var fromSetting = (catalog.DbSchemasSetting ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new HashSet<string>(fromSetting.Length > 0 ? fromSetting : ["public"], StringComparer.Ordinal);
    }

    public void File(MigrationFile f)
    {
        _file = f;
        _touched.Clear();
        foreach (var s in f.Statements)
        {
            var st = LintParser.Parse(s);
            Statement(st);
        }
        RowGuards();
    }

    public List<CrmLintFinding> Finish(IReadOnlyList<MigrationFile> files)
    {
        foreach (var o in _obligations)
        {
            if (o.FixedIn == null) _findings.Add(o.Finding);
            else if (!ReferenceEquals(o.FixedIn, o.File))
                _findings.Add(With(o.Finding, CrmLintSeverity.Info,
                    o.Finding.Message + $" A later migration of this run fixes it: {o.FixedIn.FileName} line {o.FixedLine}; until that one runs (for example with -Target {o.File.Version}), it stands.",
                    $"Already remediated by {o.FixedIn.FileName}: keep both in the same run."));
        }
        var byVersion = files.ToDictionary(f => f.Version, StringComparer.Ordinal);
        return _findings
            .Select(f => byVersion.TryGetValue(f.Version, out var file) && file.Directives.Allows.FirstOrDefault(a => a.Rule == f.Rule) is { } allow
                ? With(f, f.Severity, f.Message, f.Remediation, allow.Reason)
                : f)
            .OrderBy(f => f.Version, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Rule, StringComparer.Ordinal)
            .ToList();
    }

    private static CrmLintFinding With(CrmLintFinding f, CrmLintSeverity severity, string message, string remediation, string? allowReason = null) => new()
    {
        Rule = f.Rule, Severity = severity, Version = f.Version, File = f.File, Line = f.Line, Statement = f.Statement,
        Object = f.Object, Rows = f.Rows, Lock = f.Lock, Rewrite = f.Rewrite, Message = message, Remediation = remediation,
        Allowed = allowReason != null, AllowReason = allowReason, Path = f.Path,
    };

    // ---------------------------------------------------------------- severities and findings

    private CrmLintSeverity Scale(long? rows) =>
        rows is null ? CrmLintSeverity.Warning : rows >= options.ErrorRows ? CrmLintSeverity.Error : rows >= options.WarningRows ? CrmLintSeverity.Warning : CrmLintSeverity.Info;

    /// <summary>For statements that rewrite or scan under ACCESS EXCLUSIVE: at least a Warning on a table with rows.</summary>
    private CrmLintSeverity AtLeastWarning(long? rows) => Scale(rows) == CrmLintSeverity.Error ? CrmLintSeverity.Error : CrmLintSeverity.Warning;

    private static string N(long? rows) => rows is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "an unknown number of";

    private string SizeNote(long? rows) =>
        rows is { } r && r < options.WarningRows
            ? $" Small today ({N(rows)} rows, under -WarningRows {options.WarningRows.ToString("N0", CultureInfo.InvariantCulture)}), so the lock is short; it grows with the table."
            : "";

    private CrmLintFinding Add(string rule, CrmLintSeverity severity, LintStatement st, string? obj, long? rows, string? lockMode, bool? rewrite, string message, string remediation)
    {
        var f = new CrmLintFinding
        {
            Rule = rule, Severity = severity, Version = _file.Version, File = _file.FileName, Path = _file.Path, Line = st.Source.Line,
            Statement = st.FirstLine, Object = obj, Rows = rows, Lock = lockMode, Rewrite = rewrite, Message = message, Remediation = remediation,
        };
        _findings.Add(f);
        return f;
    }

    private void Oblige(Need need, string key, string rule, CrmLintSeverity severity, LintStatement st, string message, string remediation) =>
        _obligations.Add(new Obligation
        {
            Need = need, Key = key, File = _file,
            Finding = new CrmLintFinding
            {
                Rule = rule, Severity = severity, Version = _file.Version, File = _file.FileName, Path = _file.Path, Line = st.Source.Line,
                Statement = st.FirstLine, Object = key, Message = message, Remediation = remediation,
            },
        });

    private void Fix(Need need, string key, LintStatement st)
    {
        foreach (var o in _obligations.Where(o => o.Need == need && o.Key == key && o.FixedIn == null))
        {
            o.FixedIn = _file;
            o.FixedLine = st.Source.Line;
        }
    }

    // ---------------------------------------------------------------- names

    private string KeyOf(ObjName n) => (n.Schema ?? catalog.CurrentSchema) + "." + n.Name;

    /// <summary>What a name refers to at this point of the run: an object a linted migration created, or a live one (not dropped or renamed away).</summary>
    private (Created? Sim, LiveRelation? Live) Resolve(ObjName? name)
    {
        if (name is not { } n) return (null, null);
        var key = KeyOf(n);
        if (_created.TryGetValue(key, out var sim)) return (sim, null);
        if (_renamed.TryGetValue(key, out var renamed)) return (null, renamed);
        if (_dropped.Contains(key)) return (null, null);
        var live = catalog.Relation(n);
        if (live == null || _dropped.Contains(live.Qualified)) return (null, null);
        return (null, live);
    }

    private bool Exposed(string schema) =>
        catalog.HasApiRoles && _exposedSchemas.Contains(schema)
        && (catalog.DefaultSelectSchemas.Contains(schema) || catalog.DefaultSelectSchemas.Contains(""));

    private string ApiRoles => string.Join(", ", new[] { catalog.HasAnon ? "anon" : null, catalog.HasAuthenticated ? "authenticated" : null }.Where(r => r != null));

    // ---------------------------------------------------------------- statements

    private void Statement(LintStatement st)
    {
        switch (st.Kind)
        {
            case StatementKind.CreateTable: CreateTable(st); break;
            case StatementKind.CreateMatView: CreateMatView(st); break;
            case StatementKind.CreateView:
                if (st.Target is { } v) _created[KeyOf(v)] = new Created(KeyOf(v), 'v');
                break;
            case StatementKind.CreateIndex: CreateIndex(st); break;
            case StatementKind.AlterTable: AlterTable(st); break;
            case StatementKind.Drop: Drop(st); break;
            case StatementKind.Refresh: Refresh(st); break;
            case StatementKind.Grant: Grant(st); break;
            case StatementKind.Revoke: Revoke(st); break;
            case StatementKind.CreateFunction: CreateFunction(st); break;
            case StatementKind.AlterFunction:
                if (st.SetsSearchPath && st.Target is { } fn) Fix(Need.SearchPath, KeyOf(fn), st);
                break;
            case StatementKind.Do:
                foreach (var inner in st.Inner) Remediation(inner, st);
                break;
            case StatementKind.Update or StatementKind.Delete or StatementKind.Insert or StatementKind.CreateTrigger or StatementKind.CreatePolicy:
                Touch(Resolve(st.Target).Live, st);
                break;
            case StatementKind.Truncate:
                foreach (var t in st.Targets) Touch(Resolve(t).Live, st);
                break;
        }
    }

    /// <summary>A statement inside a DO block: read only for what it fixes (RLS, revokes, search_path), never judged itself.</summary>
    private void Remediation(LintStatement inner, LintStatement outer)
    {
        var at = new LintStatement { Kind = inner.Kind, Source = outer.Source, Tokens = inner.Tokens, Target = inner.Target, Targets = inner.Targets,
            Actions = inner.Actions, Roles = inner.Roles, Privileges = inner.Privileges, AllTablesInSchemas = inner.AllTablesInSchemas, SetsSearchPath = inner.SetsSearchPath };
        switch (inner.Kind)
        {
            case StatementKind.Revoke: Revoke(at); break;
            case StatementKind.AlterFunction:
                if (at.SetsSearchPath && at.Target is { } fn) Fix(Need.SearchPath, KeyOf(fn), outer);
                break;
            case StatementKind.AlterTable:
                if (at.Actions.Any(a => a.Kind == AlterActionKind.EnableRls) && at.Target is { } t)
                {
                    var (sim, _) = Resolve(t);
                    if (sim != null) Fix(Need.Rls, sim.Key, outer);
                }
                break;
        }
    }

    private void Touch(LiveRelation? live, LintStatement st)
    {
        if (live is { Kind: 'r' or 'p' } && live.Rows is > 0 && _touched.All(t => t.Rel.Oid != live.Oid)) _touched.Add((live, st));
    }

    private void CreateTable(LintStatement st)
    {
        if (st.Target is not { } name) return;
        if (st.IfNotExists && Resolve(name) is (null, not null)) return; // exists already: the statement does nothing
        var key = KeyOf(name);
        _created[key] = new Created(key, st.Partitioned ? 'p' : 'r');
        _dropped.Remove(key);
        var schema = key[..key.IndexOf('.', StringComparison.Ordinal)];
        if (!st.Temporary && !st.Partitioned && Exposed(schema))
            Oblige(Need.Rls, key, LintRules.TableWithoutRls, CrmLintSeverity.Error, st,
                $"Table {key} is created in {schema}, a schema Supabase's Data API serves, where this role's default privileges let {ApiRoles} read new tables, and the migration does not enable row level security on it: anyone with the project's public API key can read and change every row.",
                $"In the same migration: ALTER TABLE {key} ENABLE ROW LEVEL SECURITY; then CREATE POLICY ... for who may see what (or REVOKE ALL ON {key} FROM anon, authenticated if no API client needs it).");
    }

    private void CreateMatView(LintStatement st)
    {
        if (st.Target is not { } name) return;
        if (st.IfNotExists && Resolve(name) is (null, not null)) return;
        var key = KeyOf(name);
        _created[key] = new Created(key, 'm') { WithData = !st.WithNoData };
        _dropped.Remove(key);
        var schema = key[..key.IndexOf('.', StringComparison.Ordinal)];
        if (Exposed(schema))
            Oblige(Need.ApiRevoke, key, LintRules.MaterializedViewInApi, CrmLintSeverity.Warning, st,
                $"Materialized view {key} is created in {schema}, a schema Supabase's Data API serves, where this role's default privileges let {ApiRoles} select it; a materialized view cannot have row level security, so every row is readable with the project's public API key (splinter 0016_materialized_view_in_api).",
                $"In the same migration: REVOKE ALL ON {key} FROM anon, authenticated; (or create it in a schema the API does not serve).");
    }

    private void CreateIndex(LintStatement st)
    {
        var (sim, live) = Resolve(st.Target);
        if (st.Concurrently && _file.Transactional)
            Add(LintRules.ConcurrentInTransaction, CrmLintSeverity.Error, st, live?.Qualified ?? sim?.Key ?? (st.Target is { } t ? KeyOf(t) : null), live?.Rows, null, null,
                "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this migration runs in one: it fails.",
                "Put the statement in a migration of its own whose header has '-- crmops:no-transaction'.");
        if (sim != null)
        {
            if (st.Unique && sim.Kind == 'm') sim.HasUniqueIndex = true;
            return;
        }
        if (live is not { Kind: 'r' or 'p' or 'm' }) return;
        if (st.IfNotExists && st.IndexName != null && catalog.Relation(new ObjName(live.Schema, st.IndexName)) != null) return; // the index exists: a no-op
        Touch(live, st);
        if (st.Concurrently || live.Rows == 0) return;
        var concurrent = st.IndexKeywordOffset >= 0
            ? OneLine(st.Source.Text.Insert(st.IndexKeywordOffset + "index".Length, " CONCURRENTLY"))
            : "CREATE INDEX CONCURRENTLY ...";
        var partitioned = live.Kind == 'p'
            ? $" {live.Qualified} is partitioned: CONCURRENTLY works per partition, so create the index CONCURRENTLY on each partition, then CREATE INDEX ... ON ONLY {live.Qualified} and ALTER INDEX ... ATTACH PARTITION each one."
            : "";
        Add(LintRules.RequireConcurrentIndex, Scale(live.Rows), st, live.Qualified, live.Rows, "ShareLock", false,
            $"CREATE INDEX on {live.Qualified} ({N(live.Rows)} rows) holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on it{(live.Kind == 'm' ? " (and every refresh)" : "")} waits until the index is built.{SizeNote(live.Rows)}",
            $"Build it without blocking writes, in a migration of its own with '-- crmops:no-transaction' in its header: {concurrent}; (if it fails half-way it leaves an INVALID index: DROP INDEX CONCURRENTLY it and run again).{partitioned}");
    }

    private static string OneLine(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private void Refresh(LintStatement st)
    {
        if (st.Concurrently || st.WithNoData) return;
        var (sim, live) = Resolve(st.Target);
        bool usable;
        string key;
        long? rows = null;
        if (sim is { Kind: 'm' }) { usable = sim.HasUniqueIndex && sim.WithData; key = sim.Key; }
        else if (live is { Kind: 'm' }) { usable = live.Populated && catalog.HasConcurrentRefreshIndex(live.Oid); key = live.Qualified; rows = live.Rows; }
        else return;
        if (!usable) return;
        Add(LintRules.RefreshNotConcurrent, AtLeastWarning(rows), st, key, rows, "AccessExclusiveLock", null,
            $"REFRESH MATERIALIZED VIEW {key} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock: every reader of the view waits until the refresh ends, although the view has the unique index that a concurrent refresh needs.",
            $"REFRESH MATERIALIZED VIEW CONCURRENTLY {key}; (EXCLUSIVE lock: readers go on), or Invoke-CrmTimelineRefresh -Name {key}, which refreshes concurrently and logs it.");
    }

    private void CreateFunction(LintStatement st)
    {
        if (st.Target is not { } fn) return;
        var key = KeyOf(fn);
        if (st.SetsSearchPath) { Fix(Need.SearchPath, key, st); return; }
        var kind = st.ObjectType == "PROCEDURE" ? "Procedure" : "Function";
        Oblige(Need.SearchPath, key, LintRules.FunctionSearchPathMutable, CrmLintSeverity.Warning, st,
            $"{kind} {key} is created without SET search_path: it resolves unqualified names with the caller's search_path, so another schema earlier on that path can substitute a table or function{(st.SecurityDefiner ? " (and it is SECURITY DEFINER: it would run the substitute with its owner's rights)" : "")} (splinter 0011_function_search_path_mutable).",
            $"Add SET search_path = '' to the {kind.ToLowerInvariant()}'s definition (and qualify every name in its body: public.customer_profiles, pg_catalog.now()), or ALTER {kind.ToUpperInvariant()} {key}{(st.ArgumentText != null ? "(...)" : "")} SET search_path = ''; in the same migration.");
    }

    private void Grant(LintStatement st)
    {
        var api = st.Roles.Any(r => r is "anon" or "authenticated" or "public");
        var reads = st.Privileges.Count == 0 || st.Privileges.Any(p => p is "select" or "all");
        if (!api || !reads || !catalog.HasApiRoles) return;
        foreach (var t in st.Targets)
        {
            var (sim, live) = Resolve(t);
            if (sim is { Kind: 'm' or 'r' })
            {
                foreach (var r in st.Roles) sim.Revoked.Remove(r);
                var need = sim.Kind == 'm' ? Need.ApiRevoke : Need.Rls;
                if (_obligations.Any(o => o.Key == sim.Key && o.Need == need && o.FixedIn == null)) continue; // already reported
                if (sim.Kind == 'm')
                    Oblige(Need.ApiRevoke, sim.Key, LintRules.MaterializedViewInApi, CrmLintSeverity.Warning, st,
                        $"Materialized view {sim.Key} is granted to {string.Join(", ", st.Roles)}: a materialized view cannot have row level security, so every row is readable through the Data API.",
                        "Do not grant it to the API roles; expose a view with security_invoker = on over the tables (RLS applies), or a function that returns only the caller's rows.");
                else
                    Oblige(Need.Rls, sim.Key, LintRules.TableWithoutRls, CrmLintSeverity.Error, st,
                        $"Table {sim.Key} is granted to {string.Join(", ", st.Roles)} and the migration does not enable row level security on it: anyone with the project's public API key can read every row.",
                        $"In the same migration: ALTER TABLE {sim.Key} ENABLE ROW LEVEL SECURITY; and CREATE POLICY ... for who may see what.");
            }
            else if (live is { Kind: 'm' } && _exposedSchemas.Contains(live.Schema))
                Add(LintRules.MaterializedViewInApi, CrmLintSeverity.Warning, st, live.Qualified, live.Rows, null, null,
                    $"Materialized view {live.Qualified} ({N(live.Rows)} rows) is granted to {string.Join(", ", st.Roles)} in a schema the Data API serves: a materialized view cannot have row level security, so every row becomes readable with the project's API keys.",
                    "Do not grant it to the API roles; expose a view with security_invoker = on over the tables (RLS applies), or a function that returns only the caller's rows.");
        }
    }

    private void Revoke(LintStatement st)
    {
        var reads = st.Privileges.Count == 0 || st.Privileges.Any(p => p is "select" or "all");
        if (!reads) return;
        var targets = st.Targets.Select(t => Resolve(t).Sim).Where(s => s != null).Select(s => s!).ToList();
        foreach (var schema in st.AllTablesInSchemas)
            targets.AddRange(_created.Values.Where(c => c.Key.StartsWith(schema + ".", StringComparison.Ordinal)));
        foreach (var sim in targets)
        {
            foreach (var r in st.Roles) sim.Revoked.Add(r);
            var needed = new[] { catalog.HasAnon ? "anon" : null, catalog.HasAuthenticated ? "authenticated" : null }.Where(r => r != null);
            if (needed.All(r => sim.Revoked.Contains(r!)))
            {
                Fix(Need.ApiRevoke, sim.Key, st);
                Fix(Need.Rls, sim.Key, st);
            }
        }
    }

    private void Drop(LintStatement st)
    {
        if (st.ObjectType is "TRIGGER" or "POLICY" or "RULE" && st.IndexName != null && st.Target is { } on)
        {
            // Dropped by name before a column change or a drop that it would block: "trigger t on public.x", as pg_identify_object names it.
            var identity = $"{st.IndexName} on {Resolve(on).Live?.Qualified ?? KeyOf(on)}";
            _dropped.Add(identity);
            _dropped.Add(st.ObjectType.ToLowerInvariant() + " " + identity);
            return;
        }
        var function = st.ObjectType is "FUNCTION" or "PROCEDURE" or "ROUTINE";
        var relation = st.ObjectType is "TABLE" or "VIEW" or "MATERIALIZED VIEW" or "FOREIGN TABLE";
        if (!function && !relation) return;
        var names = st.Targets.Select(KeyOf).ToHashSet(StringComparer.Ordinal);
        foreach (var t in st.Targets)
        {
            var key = KeyOf(t);
            if (function)
            {
                foreach (var o in _obligations.Where(o => o.Need == Need.SearchPath && o.Key == key && o.FixedIn == null)) { o.FixedIn = _file; o.FixedLine = st.Source.Line; }
                var oid = catalog.Function(t, st.ArgumentText);
                if (oid is { } procOid)
                    DependentsFinding(st, $"{st.ObjectType.ToLowerInvariant()} {key}", key, catalog.FunctionDependents(procOid), names, null);
                continue;
            }
            var (sim, live) = Resolve(t);
            if (sim != null)
            {
                _created.Remove(sim.Key);
                _dropped.Add(sim.Key);
                foreach (var o in _obligations.Where(o => o.Key == sim.Key && o.FixedIn == null)) { o.FixedIn = _file; o.FixedLine = st.Source.Line; }
                continue;
            }
            if (live == null) continue;
            if (st.ObjectType == "TABLE" && live.Kind is 'r' or 'p')
                Add(LintRules.BanDropTable, CrmLintSeverity.Warning, st, live.Qualified, live.Rows, "AccessExclusiveLock", null,
                    $"DROP TABLE {live.Qualified} deletes its {N(live.Rows)} rows for good (a rollback script cannot bring them back), and every running client that reads it starts failing.",
                    $"First stop every client from using {live.Qualified} and keep a copy (pg_dump -t {live.Qualified}, or ALTER TABLE ... RENAME TO {live.Name}_deprecated and drop it in a later migration once nothing missed it); then drop it.");
            DependentsFinding(st, $"{live.KindName} {live.Qualified}", live.Qualified, catalog.RelationDependents(live.Oid), names, live.Rows);
            _dropped.Add(live.Qualified);
            _dropped.Add(key);
        }
    }

    private void DependentsFinding(LintStatement st, string what, string obj, IReadOnlyList<LiveDependent> dependents, HashSet<string> droppedNow, long? rows)
    {
        var left = dependents.Where(d => !_dropped.Contains(d.Identity) && !droppedNow.Contains(d.Identity)
                                          && !_dropped.Contains(Relation(d.Identity))).ToList();
        if (left.Count == 0) return;
        var names = string.Join(", ", left.Select(d => d.ToString()));
        var message = st.Cascade
            ? $"DROP ... CASCADE of {what} also drops what depends on it, silently: {names}."
            : $"{what} has dependents ({names}): the DROP fails with 'cannot drop ... because other objects depend on it', and with CASCADE it would drop them too.";
        Add(LintRules.DropWithDependents, CrmLintSeverity.Error, st, obj, rows, "AccessExclusiveLock", null, message,
            $"Drop (or change) the dependents first, by name, in this migration, so it says everything it removes, and recreate them afterwards if they are still needed: {string.Join(" ", left.Select(DropFor))}");
    }

    /// <summary>"public.x" of a dependent's identity ("trg on public.t" is about public.t).</summary>
    private static string Relation(string identity)
    {
        var on = identity.LastIndexOf(" on ", StringComparison.Ordinal);
        return on < 0 ? identity : identity[(on + 4)..];
    }

    private static string DropFor(LiveDependent d) => d.Type switch
    {
        "view" => $"DROP VIEW {d.Identity};",
        "materialized view" => $"DROP MATERIALIZED VIEW {d.Identity};",
        "table constraint" => $"ALTER TABLE {Relation(d.Identity)} DROP CONSTRAINT {d.Identity[..Math.Max(0, d.Identity.LastIndexOf(" on ", StringComparison.Ordinal))]};",
        "trigger" or "policy" or "rule" => $"DROP {d.Type.ToUpperInvariant()} {d.Identity.Replace(" on ", " ON ", StringComparison.Ordinal)};",
        "function" => $"DROP FUNCTION {d.Identity};",
        _ => $"({d.Type} {d.Identity})",
    };

    // ---------------------------------------------------------------- ALTER TABLE

    private void AlterTable(LintStatement st)
    {
        var (sim, live) = Resolve(st.Target);
        if (sim != null)
        {
            foreach (var a in st.Actions)
            {
                if (a.Kind == AlterActionKind.EnableRls) Fix(Need.Rls, sim.Key, st);
                if (a.Kind == AlterActionKind.AddColumn && a.Column != null) _addedColumns.Add(sim.Key + "." + a.Column);
                if (a.Kind == AlterActionKind.RenameTable && a.NewName != null)
                {
                    var newKey = sim.Key[..(sim.Key.IndexOf('.', StringComparison.Ordinal) + 1)] + a.NewName;
                    _created.Remove(sim.Key);
                    foreach (var o in _obligations.Where(o => o.Key == sim.Key)) o.Key = newKey; // RLS enabled under the new name still counts
                    sim.Key = newKey;
                    _created[newKey] = sim;
                }
            }
            return;
        }
        if (live == null) return;
        Touch(live, st);
        foreach (var a in st.Actions) Action(st, a, live);
    }

    private void Action(LintStatement st, AlterAction a, LiveRelation t)
    {
        var rows = t.Rows;
        var col = a.Column == null ? null : t.Qualified + "." + a.Column;
        if (col != null && a.Kind != AlterActionKind.AddColumn && a.Kind != AlterActionKind.ValidateConstraint && _droppedColumns.Contains(col)) return; // dropped earlier in the run
        switch (a.Kind)
        {
            case AlterActionKind.AddColumn:
                AddColumn(st, a, t);
                if (col != null) { _addedColumns.Add(col); _droppedColumns.Remove(col); }
                break;
            case AlterActionKind.AlterColumnType:
                ColumnType(st, a, t);
                break;
            case AlterActionKind.SetNotNull:
                {
                    if (a.Column == null || _addedColumns.Contains(col!) || rows == 0) break;
                    var c = catalog.Column(t.Oid, a.Column);
                    if (c == null || c.NotNull || _notNullChecked.Contains(col!) || catalog.HasValidatedNotNullCheck(t.Oid, a.Column)) break;
                    var cname = Quote(t.Name + "_" + a.Column + "_not_null");
                    Add(LintRules.SettingNotNull, Scale(rows), st, col, rows, "AccessExclusiveLock", false,
                        $"SET NOT NULL on {col} reads all {N(rows)} rows of {t.Qualified} under an ACCESS EXCLUSIVE lock (no reads, no writes) to prove there is no NULL.{SizeNote(rows)}",
                        $"ALTER TABLE {t.Qualified} ADD CONSTRAINT {cname} CHECK ({Quote(a.Column)} IS NOT NULL) NOT VALID; then, in a later migration, ALTER TABLE {t.Qualified} VALIDATE CONSTRAINT {cname}; (SHARE UPDATE EXCLUSIVE: reads and writes go on) and ALTER TABLE {t.Qualified} ALTER COLUMN {Quote(a.Column)} SET NOT NULL; (PostgreSQL 12+ uses the validated check and skips the scan); then DROP CONSTRAINT {cname}.");
                    break;
                }
            case AlterActionKind.AddConstraint:
                foreach (var def in a.Constraints) AddConstraint(st, a, def, t);
                break;
            case AlterActionKind.ValidateConstraint:
                if (a.Column != null && _notValid.TryGetValue(t.Qualified + "." + a.Column, out var added) && added.Version == _file.Version && _file.Transactional && rows > 0)
                    Add(LintRules.ConstraintMissingNotValid, Scale(rows), st, t.Qualified, rows, "AccessExclusiveLock", false,
                        $"VALIDATE CONSTRAINT {a.Column} runs in the same transaction that added it NOT VALID: that ADD CONSTRAINT's ACCESS EXCLUSIVE lock is still held, so the scan of {N(rows)} rows blocks reads and writes after all.{SizeNote(rows)}",
                        $"Move ALTER TABLE {t.Qualified} VALIDATE CONSTRAINT {Quote(a.Column)}; to a later migration (or make this one '-- crmops:no-transaction').");
                if (a.Column != null && _notValid.TryGetValue(t.Qualified + "." + a.Column, out var v) && v.Column != null)
                    _notNullChecked.Add(t.Qualified + "." + v.Column);
                break;
            case AlterActionKind.DropColumn:
                {
                    if (a.Column == null) break;
                    var c = _addedColumns.Contains(col!) ? null : catalog.Column(t.Oid, a.Column);
                    if (c == null) break;
                    Add(LintRules.BanDropColumn, CrmLintSeverity.Warning, st, col, rows, "AccessExclusiveLock", false,
                        $"DROP COLUMN {col} deletes its data in all {N(rows)} rows for good, and every running client that selects or writes it starts failing.",
                        $"Deploy clients that no longer use {a.Column} first (PostgREST clients name columns too), keep a copy if the data may matter (CREATE TABLE ... AS SELECT id, {Quote(a.Column)} FROM {t.Qualified}), then drop it in a later migration.");
                    DependentsFinding(st, $"column {col}", col!, catalog.RelationDependents(t.Oid, c.Number), [], rows);
                    _droppedColumns.Add(col!);
                    break;
                }
            case AlterActionKind.RenameColumn:
                if (a.Column == null || _addedColumns.Contains(col!) || catalog.Column(t.Oid, a.Column) == null) break;
                Add(LintRules.RenamingColumn, CrmLintSeverity.Warning, st, col, rows, "AccessExclusiveLock", false,
                    $"Renaming {col} to {a.NewName} breaks every running client that uses the old name (application code, PostgREST/supabase-js queries, reports) the moment the migration commits.",
                    $"Add the new column, write both (a trigger) and backfill, move the clients to {a.NewName}, then drop {a.Column} in a later migration; or keep the old name for clients through a view.");
                break;
            case AlterActionKind.RenameTable:
                if (a.NewName == null) break;
                if (t.Kind is 'r' or 'p')
                    Add(LintRules.RenamingTable, CrmLintSeverity.Warning, st, t.Qualified, rows, "AccessExclusiveLock", false,
                        $"Renaming {t.Qualified} to {a.NewName} breaks every running client that uses the old name (application code, PostgREST/supabase-js queries, reports) the moment the migration commits.",
                        $"Move the clients first: create the new name as a view over the table (CREATE VIEW {t.Schema}.{a.NewName} AS SELECT * FROM {t.Qualified}), switch the clients, then rename in a later migration (and drop the view).");
                _dropped.Add(t.Qualified);
                _renamed[t.Schema + "." + a.NewName] = t;
                break;
        }
    }

    private static string Quote(string name) => Sql.Identifier.TryParse(name, out var q) && q.Schema == null && q.Name == name ? name : Sql.Identifier.Quote(name);

    private void AddColumn(LintStatement st, AlterAction a, LiveRelation t)
    {
        var rows = t.Rows;
        if (rows == 0 || a.Column == null) return;
        var col = t.Qualified + "." + a.Column;
        if (a.IfNotExists && catalog.Column(t.Oid, a.Column) != null) return;
        var serial = a.TypeTokens.Count == 1 && a.TypeTokens[0].Kind == SqlTokenKind.Word
                     && a.TypeTokens[0].Value is "serial" or "bigserial" or "smallserial" or "serial2" or "serial4" or "serial8";
        string? why = null;
        if (serial) why = $"{a.TypeText} fills the new column from a sequence (nextval(), volatile) for each of the {N(rows)} existing rows";
        else if (a.Identity) why = $"an identity column numbers each of the {N(rows)} existing rows";
        else if (a.GeneratedStored) why = $"a stored generated column is computed and written for each of the {N(rows)} existing rows";
        else if (a.DefaultTokens is { Count: > 0 } d)
        {
            if (catalog.ServerVersion < 110000) why = "before PostgreSQL 11 every default is written into each existing row";
            else
            {
                var volatileFns = catalog.VolatileFunctions(FunctionCalls(d));
                if (volatileFns.Count > 0)
                    why = $"the default calls {string.Join(", ", volatileFns.Select(v => v + "()"))}, which is VOLATILE: PostgreSQL evaluates it for each of the {N(rows)} existing rows";
            }
        }
        if (why != null)
            Add(LintRules.AddingFieldWithDefault, AtLeastWarning(rows), st, col, rows, "AccessExclusiveLock", true,
                $"ADD COLUMN {a.Column} rewrites all of {t.Qualified} under an ACCESS EXCLUSIVE lock (no reads, no writes until it ends): {why}.",
                $"ALTER TABLE {t.Qualified} ADD COLUMN {Quote(a.Column)} {a.TypeText}; (no default: instant) then ALTER TABLE {t.Qualified} ALTER COLUMN {Quote(a.Column)} SET DEFAULT ...; (new rows only), backfill the existing rows in batches (UPDATE ... WHERE id IN (... LIMIT 10000)), and add NOT NULL afterwards through a validated CHECK.");
        else if (a.NotNull && (a.DefaultTokens == null || a.DefaultTokens.Count == 0))
            Add(LintRules.AddingNotNullableField, CrmLintSeverity.Error, st, col, rows, "AccessExclusiveLock", false,
                $"ADD COLUMN {a.Column} ... NOT NULL without a default on {t.Qualified}, which has {N(rows)} rows: every existing row would hold NULL, so the statement fails ('column \"{a.Column}\" of relation \"{t.Name}\" contains null values').",
                $"Give it a constant default (ADD COLUMN {Quote(a.Column)} {a.TypeText} NOT NULL DEFAULT <value>: no rewrite on PostgreSQL 11+), or add it nullable, backfill in batches, then ADD CONSTRAINT ... CHECK ({Quote(a.Column)} IS NOT NULL) NOT VALID, VALIDATE it and SET NOT NULL.");
        foreach (var def in a.Constraints)
        {
            if (def.Kind is ConstraintKind.Check or ConstraintKind.ForeignKey)
                Add(LintRules.ConstraintMissingNotValid, Scale(rows), st, col, rows, def.Kind == ConstraintKind.ForeignKey ? "ShareRowExclusiveLock" : "AccessExclusiveLock", false,
                    $"The new column's {(def.Kind == ConstraintKind.Check ? "CHECK" : "REFERENCES")} constraint{(def.Name != null ? " " + def.Name : "")} is validated at once: PostgreSQL reads all {N(rows)} rows of {t.Qualified} while ADD COLUMN holds its ACCESS EXCLUSIVE lock.{SizeNote(rows)}",
                    $"Add the column without the constraint, then ALTER TABLE {t.Qualified} ADD CONSTRAINT {def.Name ?? t.Name + "_" + a.Column + "_check"} {(def.Kind == ConstraintKind.Check ? "CHECK (...)" : "FOREIGN KEY (" + Quote(a.Column) + ") REFERENCES " + def.References)} NOT VALID; and VALIDATE CONSTRAINT it in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on).");
            else if (def.Kind is ConstraintKind.Unique or ConstraintKind.PrimaryKey)
                Add(LintRules.RequireConcurrentIndex, Scale(rows), st, col, rows, "AccessExclusiveLock", false,
                    $"The new column's {(def.Kind == ConstraintKind.Unique ? "UNIQUE" : "PRIMARY KEY")} constraint builds its index over all {N(rows)} rows of {t.Qualified} under ADD COLUMN's ACCESS EXCLUSIVE lock.{SizeNote(rows)}",
                    $"Add the column, then CREATE UNIQUE INDEX CONCURRENTLY ... ON {t.Qualified} ({Quote(a.Column)}) in a '-- crmops:no-transaction' migration, then ALTER TABLE {t.Qualified} ADD CONSTRAINT ... {(def.Kind == ConstraintKind.Unique ? "UNIQUE" : "PRIMARY KEY")} USING INDEX ...;");
        }
    }

    /// <summary>The functions an expression calls: a name (or schema.name) followed by "(".</summary>
    private static List<string> FunctionCalls(List<SqlToken> tokens)
    {
        var calls = new List<string>();
        for (var i = 0; i + 1 < tokens.Count; i++)
        {
            if (!tokens[i].IsName || !tokens[i + 1].IsSymbol("(")) continue;
            if (i >= 2 && tokens[i - 1].IsSymbol(".") && tokens[i - 2].IsName) calls.Add(tokens[i - 2].Value + "." + tokens[i].Value);
            else calls.Add(tokens[i].Value);
        }
        return calls;
    }

    private void AddConstraint(LintStatement st, AlterAction a, ConstraintDef def, LiveRelation t)
    {
        var rows = t.Rows;
        var notNullCol = NotNullCheckColumn(def);
        if (def.NotValid)
        {
            if (def.Name != null) _notValid[t.Qualified + "." + def.Name] = (_file.Version, notNullCol);
            return;
        }
        if (notNullCol != null) _notNullChecked.Add(t.Qualified + "." + notNullCol);
        if (rows == 0) return;
        var name = def.Name ?? "...";
        switch (def.Kind)
        {
            case ConstraintKind.Check or ConstraintKind.ForeignKey:
                var fk = def.Kind == ConstraintKind.ForeignKey;
                Add(LintRules.ConstraintMissingNotValid, Scale(rows), st, t.Qualified, rows, fk ? "ShareRowExclusiveLock" : "AccessExclusiveLock", false,
                    fk
                        ? $"ADD CONSTRAINT {name} FOREIGN KEY checks all {N(rows)} rows of {t.Qualified} against {def.References} while it holds SHARE ROW EXCLUSIVE locks on both tables: writes to either wait until the check ends.{SizeNote(rows)}"
                        : $"ADD CONSTRAINT {name} CHECK reads all {N(rows)} rows of {t.Qualified} under an ACCESS EXCLUSIVE lock (no reads, no writes) to validate it.{SizeNote(rows)}",
                    $"{OneLine(a.Text)} NOT VALID; (instant: only new and changed rows are checked) then, in a later migration, ALTER TABLE {t.Qualified} VALIDATE CONSTRAINT {name}; (SHARE UPDATE EXCLUSIVE: reads and writes go on).");
                break;
            case ConstraintKind.Unique or ConstraintKind.PrimaryKey or ConstraintKind.Exclude when !def.UsingIndex:
                Add(LintRules.RequireConcurrentIndex, Scale(rows), st, t.Qualified, rows, "AccessExclusiveLock", false,
                    $"ADD CONSTRAINT {name} {def.Kind.ToString().ToUpperInvariant()} builds its index over all {N(rows)} rows of {t.Qualified} under an ACCESS EXCLUSIVE lock (no reads, no writes).{SizeNote(rows)}",
                    $"CREATE UNIQUE INDEX CONCURRENTLY {(def.Name ?? "idx")} ON {t.Qualified} (...); in a '-- crmops:no-transaction' migration, then ALTER TABLE {t.Qualified} ADD CONSTRAINT {name} {(def.Kind == ConstraintKind.PrimaryKey ? "PRIMARY KEY" : "UNIQUE")} USING INDEX {(def.Name ?? "idx")}; (instant).");
                break;
        }
    }

    /// <summary>The column of a CHECK (column IS NOT NULL), or null.</summary>
    private static string? NotNullCheckColumn(ConstraintDef def)
    {
        var t = def.CheckTokens;
        while (t.Count >= 2 && t[0].IsSymbol("(") && t[^1].IsSymbol(")")) t = t.GetRange(1, t.Count - 2);
        return t.Count == 4 && t[0].IsName && t[1].IsWord("is") && t[2].IsWord("not") && t[3].IsWord("null") ? t[0].Value : null;
    }

    private void ColumnType(LintStatement st, AlterAction a, LiveRelation t)
    {
        if (a.Column == null) return;
        var col = t.Qualified + "." + a.Column;
        if (_addedColumns.Contains(col)) return;
        var c = catalog.Column(t.Oid, a.Column);
        if (c == null) return;
        var rows = t.Rows;
        var views = c.UsedByViews.Where(v => !_dropped.Contains(v[(v.LastIndexOf(' ') + 1)..]) && !_dropped.Contains(v)).ToList();
        if (views.Count > 0)
        {
            Add(LintRules.ChangingColumnType, CrmLintSeverity.Error, st, col, rows, "AccessExclusiveLock", null,
                $"ALTER COLUMN {a.Column} TYPE {a.TypeText} fails: {string.Join(", ", views)} use{(views.Count == 1 ? "s" : "")} the column (PostgreSQL cannot change the type of a column that a view, rule, trigger or policy uses).",
                $"Drop those first in this migration and recreate them after the change ({string.Join(" ", views.Select(DropForUse))}), or, to avoid the rewrite and the outage too, add a new column instead.");
            return;
        }
        bool? rewrite;
        string why;
        try { (rewrite, why) = Rewrites(c, a); }
        catch (LintUnknownTypeException) { (rewrite, why) = (null, $"the type {a.TypeText} is not known to the database yet (created earlier in this migration?), so the lint cannot tell whether PostgreSQL rewrites the table"); }
        if (rewrite == false || rows == 0) return;
        Add(LintRules.ChangingColumnType, rewrite == null ? CrmLintSeverity.Warning : AtLeastWarning(rows), st, col, rows, "AccessExclusiveLock", rewrite,
            rewrite == true
                ? $"ALTER COLUMN {a.Column} TYPE {a.TypeText} rewrites all {N(rows)} rows of {t.Qualified} and rebuilds its indexes under an ACCESS EXCLUSIVE lock (no reads, no writes until it ends): {why}. Clients that read the column also get a different type."
                : $"ALTER COLUMN {a.Column} TYPE {a.TypeText} takes an ACCESS EXCLUSIVE lock on {t.Qualified} ({N(rows)} rows), and {why}.",
            $"Add a new column of type {a.TypeText}, fill it in batches (and from a trigger for new writes), switch the clients, then drop {a.Column} in a later migration. Changes that keep the stored bytes do not rewrite: varchar(n) to a longer varchar or to text, numeric(p,s) to a larger precision with the same scale.");
    }

    /// <summary>"view public.v" → DROP VIEW public.v; "trigger t on public.x" → DROP TRIGGER t ON public.x; ...</summary>
    private static string DropForUse(string typeAndIdentity)
    {
        foreach (var type in new[] { "materialized view", "view", "trigger", "policy", "rule" })
            if (typeAndIdentity.StartsWith(type + " ", StringComparison.Ordinal))
                return DropFor(new LiveDependent(type, typeAndIdentity[(type.Length + 1)..], 1));
        return $"({typeAndIdentity})";
    }

    /// <summary>
    /// Whether ALTER COLUMN ... TYPE rewrites the table, by PostgreSQL's own rules (tablecmds.c
    /// ATColumnChangeRequiresRewrite, and the planner support functions that drop a length coercion that cannot fail):
    /// same type and a typmod that does not shrink, or a binary-coercible cast (pg_cast castmethod 'b') to a type with
    /// no narrower typmod, keep the files; timestamp and timestamptz convert in place when the session's TimeZone is UTC.
    /// </summary>
    private (bool Rewrite, string Why) Rewrites(LiveColumn c, AlterAction a)
    {
        var target = catalog.Type(a.TypeText) ?? throw new LintUnknownTypeException(a.TypeText);
        if (target.DomainChecks) return (true, $"{target.Name} is a domain with constraints, checked for every row");
        if (a.HasUsing && !UsingIsPlainColumn(a)) return (true, "the USING expression is computed for every row");
        var newMod = TypMod.Parse(target.BaseType, a.TypeTokens);
        if (target.DomainTypMod >= 0 && newMod < 0) newMod = target.DomainTypMod;
        var oldBase = c.BaseType;
        var oldMod = c.BaseTypMod;
        if (oldBase == target.BaseType)
        {
            return TypMod.KeepsFiles(oldBase, oldMod, newMod)
                ? (false, "")
                : (true, $"{c.TypeName} to {a.TypeText} narrows or changes the stored length or precision, so every value is checked and rewritten");
        }
        if (TypMod.IsTimestampPair(oldBase, target.BaseType) && catalog.ServerVersion >= 120000)
        {
            if (!string.Equals(catalog.TimeZone, "UTC", StringComparison.OrdinalIgnoreCase) && !string.Equals(catalog.TimeZone, "Etc/UTC", StringComparison.OrdinalIgnoreCase))
                return (true, $"timestamp and timestamptz convert in place only when the session's TimeZone is UTC, and it is {catalog.TimeZone}");
            return TypMod.KeepsFiles(target.BaseType, -1, newMod) ? (false, "") : (true, "the new precision is smaller");
        }
        if (catalog.BinaryCoercible(oldBase, target.BaseType))
            return newMod < 0 ? (false, "") : (true, $"{c.TypeName} to {a.TypeText} adds a length or precision limit, so every value is checked and rewritten");
        return (true, $"{c.TypeName} and {target.Name} are stored differently (no binary-coercible cast), so every value is converted");
    }

    private static bool UsingIsPlainColumn(AlterAction a)
    {
        var text = OneLine(a.Text);
        var at = text.IndexOf(" using ", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return false;
        var tokens = SqlLexer.Tokenize(text[(at + 7)..]);
        if (tokens.Count == 1 && tokens[0].IsName && tokens[0].Value == a.Column) return true;
        if (tokens.Count >= 3 && tokens[0].IsName && tokens[0].Value == a.Column && tokens[1].IsSymbol("::"))
            return LintParser.TypeText(tokens.GetRange(2, tokens.Count - 2)) == a.TypeText;
        return false;
    }

    // ---------------------------------------------------------------- row guards

    private void RowGuards()
    {
        if (_touched.Count == 0) return;
        var guarded = new HashSet<long>();
        foreach (var r in _file.Directives.Requirements)
            if (catalog.Relation(new ObjName(r.Schema, r.Table)) is { } rel) guarded.Add(rel.Oid);
        foreach (var (rel, st) in _touched)
        {
            if (guarded.Contains(rel.Oid)) continue;
            var floor = Math.Max(1, rel.Rows!.Value * 9 / 10);
            Add(LintRules.MissingRowGuard, CrmLintSeverity.Info, st, rel.Qualified, rel.Rows, null, null,
                $"The migration changes {rel.Qualified} ({N(rel.Rows)} rows) and declares no '-- crmops:require-rows' for it: if the database holds another table of that name than the one meant (the seed's mistake: the 3-row test table 'customers' instead of the 9,369-row 'customer_profiles'), nothing stops it.",
                $"Add '-- crmops:require-rows {rel.Qualified} >= {floor.ToString(CultureInfo.InvariantCulture)}' to the file's header (a floor well above any test copy of the table).");
        }
    }
}

/// <summary>PostgreSQL's typmods for the types whose length or precision a migration changes, and when a change keeps the files.</summary>
internal static class TypMod
{
    private const long Bpchar = 1042, Varchar = 1043, Numeric = 1700, Bit = 1560, Varbit = 1562,
        Timestamp = 1114, TimestampTz = 1184, Time = 1083, TimeTz = 1266, Interval = 1186;

    public static bool IsTimestampPair(long a, long b) => (a == Timestamp && b == TimestampTz) || (a == TimestampTz && b == Timestamp);

    /// <summary>The typmod written after the type: varchar(50) → 54, numeric(12,2) → (12 &lt;&lt; 16 | 2) + 4, timestamp(3) → 3; -1 for none.</summary>
    public static int Parse(long baseType, List<SqlToken> typeTokens)
    {
        var open = typeTokens.FindIndex(t => t.IsSymbol("("));
        if (open < 0) return -1;
        var numbers = new List<int>();
        for (var i = open + 1; i < typeTokens.Count && !typeTokens[i].IsSymbol(")"); i++)
            if (typeTokens[i].Kind == SqlTokenKind.Number && int.TryParse(typeTokens[i].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) numbers.Add(v);
        if (numbers.Count == 0) return -1;
        return baseType switch
        {
            Bpchar or Varchar => numbers[0] + 4,
            Numeric => ((numbers[0] << 16) | (numbers.Count > 1 ? numbers[1] & 0xffff : 0)) + 4,
            _ => numbers[0],
        };
    }

    /// <summary>Whether changing the typmod of the same type keeps the stored values (no rewrite).</summary>
    public static bool KeepsFiles(long type, int oldMod, int newMod)
    {
        if (newMod < 0 || newMod == oldMod) return true;           // no length coercion at all
        if (oldMod < 0) return type is Timestamp or TimestampTz or Time or TimeTz && newMod >= 6;
        return type switch
        {
            Varchar or Varbit => newMod >= oldMod,                   // varchar_support / varbit_support
            Numeric => ((oldMod - 4) & 0xffff) == ((newMod - 4) & 0xffff) && ((newMod - 4) >> 16) >= ((oldMod - 4) >> 16), // numeric_support: same scale, precision not smaller
            Timestamp or TimestampTz or Time or TimeTz => newMod >= oldMod || newMod >= 6, // TemporalSimplify
            _ => false,                                               // bpchar, bit, interval: every change rewrites
        };
    }
}
