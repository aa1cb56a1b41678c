using CrmOps.Connections;

namespace CrmOps.Migrations;

/// <summary>
/// A migration set joined with the database's two ledgers: CrmOps' history (this set's rows only) and, for a project
/// set, Supabase's ledger. Where they disagree the state is Conflict, with the disagreement spelled out and the
/// Set-CrmMigrationState calls that settle it; no command guesses. Incomplete: a run without a transaction that
/// started and did not finish.
/// </summary>
public static class MigrationStatus
{
    public static IReadOnlyList<CrmMigration> Get(CrmConnection connection, MigrationSet set)
    {
        var (view, incomplete) = Db.ReadOnly(connection,
            (c, tx) => (MigrationHistory.Read(c, tx, set), MigrationHistory.ReadIncomplete(c, tx, set)), "Reading the migration history");
        return Join(set, view, incomplete);
    }

    internal static IReadOnlyList<CrmMigration> Join(MigrationSet set, HistoryView view, Dictionary<string, IncompleteRun>? incomplete = null)
    {
        incomplete ??= [];
        var list = new List<CrmMigration>();
        var ledger = view.Ledger;
        var files = set.Migrations.ToDictionary(f => f.Version, StringComparer.Ordinal);
        // Ledger rows with no file of this set: candidates for "the same SQL under another version".
        var orphans = ledger?.Values.Where(r => !files.ContainsKey(r.Version)).ToList() ?? [];
        foreach (var f in set.Migrations)
        {
            view.Own.TryGetValue(f.Version, out var own);
            LedgerRow? row = null;
            ledger?.TryGetValue(f.Version, out row);
            incomplete.TryGetValue(f.Version, out var run);
            list.Add(StateOf(set, f, own, ledger == null ? null : row, ledger != null, orphans, run));
        }
        foreach (var h in view.Own.Values.Where(h => h.Direction == CrmMigrationDirection.Up && h.AdoptedAs == null && !files.ContainsKey(h.Version)))
        {
            LedgerRow? row = null;
            ledger?.TryGetValue(h.Version, out row);
            list.Add(Missing(set, h.Version, h.Name ?? row?.Name ?? "", h, ledger, row, files.Values));
        }
        foreach (var row in orphans.Where(r => !view.Own.TryGetValue(r.Version, out var h) || h.Direction != CrmMigrationDirection.Up || h.AdoptedAs != null))
            list.Add(Missing(set, row.Version, row.Name, null, ledger, row, files.Values));
        return list.OrderBy(m => m.Version, StringComparer.Ordinal).ToList();
    }

    /// <summary>The state of one file from its own history row and (when the set uses one) its ledger row.</summary>
    internal static CrmMigration StateOf(MigrationSet set, MigrationFile f, HistoryEntry? own, LedgerRow? row, bool ledgerUsed, IReadOnlyList<LedgerRow> orphans,
        IncompleteRun? run = null)
    {
        var ownUp = own is { Direction: CrmMigrationDirection.Up };
        var history = own == null ? CrmHistoryState.None : ownUp ? CrmHistoryState.Applied : CrmHistoryState.RolledBack;
        var ledgerState = !ledgerUsed ? CrmLedgerState.NotUsed : row != null ? CrmLedgerState.Present : CrmLedgerState.Absent;
        var modified = ownUp && own!.Checksum is { } sum && !MigrationSet.Matches(f, sum);
        string? disagreement = null, sameSqlAs = null;
        string[] resolution = [];
        CrmMigrationState state;
        if (own?.AdoptedAs is { } adopted)
        {
            state = CrmMigrationState.Adopted;
        }
        else if (!ledgerUsed || ownUp == (row != null))
        {
            state = own == null ? CrmMigrationState.Pending : !ownUp ? CrmMigrationState.RolledBack : modified ? CrmMigrationState.Modified : CrmMigrationState.Applied;
        }
        else if (ownUp)
        {
            state = CrmMigrationState.Conflict;
            disagreement = $"CrmOps' history says applied ({own!.AppliedAt:u}); Supabase's ledger has no row for {f.Version} (removed by `supabase migration repair --status reverted`, or applied before the ledger existed), so `supabase db push` would run it again.";
            resolution = [SetState(set, f.Version, "Applied") + "   # its objects are there: record it in the ledger too",
                          SetState(set, f.Version, "RolledBack") + "   # they are not: record it as not applied (Invoke-CrmMigration runs it again)"];
        }
        else if (own == null)
        {
            // Applied by the CLI or the dashboard: the ledger speaks for it. Its statements show whether the file changed since.
            state = row!.Canonical != null && row.Canonical != f.Canonical ? CrmMigrationState.Modified : CrmMigrationState.Applied;
        }
        else
        {
            state = CrmMigrationState.Conflict;
            disagreement = $"CrmOps' history says rolled back ({own.AppliedAt:u}); Supabase's ledger says applied (`supabase db push`, `supabase migration repair --status applied` or the dashboard wrote it since).";
            resolution = [SetState(set, f.Version, "Applied") + "   # its objects are there: record it as applied",
                          SetState(set, f.Version, "RolledBack") + "   # they are not: remove the ledger row"];
        }
        if (state is CrmMigrationState.Pending or CrmMigrationState.RolledBack && row == null &&
            orphans.FirstOrDefault(o => o.Canonical != null && o.Canonical == f.Canonical) is { } twin)
        {
            state = CrmMigrationState.Conflict;
            sameSqlAs = twin.Version;
            disagreement = $"Supabase's ledger holds the same SQL under version {twin.Version} ('{twin.Name}', no such file here: written by the dashboard's or an MCP tool's \"apply migration\"), so this file has already run; `supabase db push` refuses the folder while {twin.Version} has no file.";
            resolution = [SetState(set, f.Version, "Applied") + "; " + SetState(set, twin.Version, "RolledBack") + "   # keep this file's version: record it, drop the other stamp",
                          $"Rename-Item '{f.Path}' '{twin.Version}_{f.Name}.sql' (and its rollbacks/, verify/ files)   # keep the ledger's version instead"];
        }
        if (run != null) state = CrmMigrationState.Incomplete; // some statements may have run: nothing is guessed
        return new CrmMigration
        {
            Version = f.Version,
            Name = f.Name,
            State = state,
            AppliedAt = own?.AppliedAt,
            AppliedBy = own?.AppliedBy,
            Checksum = f.Checksum,
            HasRollback = f.HasRollbackStatements,
            HasVerify = f.VerifyStatements is { Count: > 0 },
            Message = run != null ? IncompleteMessage(f.FileName, run) : null,
            Transactional = f.Transactional,
            Requirements = f.Directives.Requirements.Select(r => r.ToString()).ToArray(),
            Path = f.Path,
            RollbackPath = f.RollbackPath,
            VerifyPath = f.VerifyPath,
            Set = set.Kind,
            History = history,
            Ledger = ledgerState,
            SameSqlAs = sameSqlAs,
            AdoptedAs = own?.AdoptedAs,
            Disagreement = disagreement,
            Resolution = resolution,
        };
    }

    /// <summary>A version applied in the database (CrmOps' history or the ledger) with no file in the set.</summary>
    private static CrmMigration Missing(MigrationSet set, string version, string name, HistoryEntry? own, Dictionary<string, LedgerRow>? ledger,
        LedgerRow? row, IEnumerable<MigrationFile> files)
    {
        var twin = row?.Canonical is { } c ? files.FirstOrDefault(f => f.Canonical == c) : null;
        var builtIn = own == null && set.Kind == CrmMigrationSetKind.Project && set.BuiltInNames.Contains((version, name));
        string? disagreement = null;
        string[] resolution = [];
        if (row != null)
        {
            disagreement = builtIn
                ? $"Supabase's ledger holds {version} ('{name}'), a migration of CrmOps' built-in set that an older CrmOps wrote there; with no such file in '{set.Root}' `supabase db push` refuses to run."
                : twin != null
                    ? $"Supabase's ledger holds {version} ('{name}') with the same SQL as {twin.FileName} (the dashboard's or an MCP tool's \"apply migration\" stamps its own version); no file has this version, so `supabase db push` refuses to run."
                    : $"Supabase's ledger holds {version} ('{name}'), which has no file in '{set.Root}': `supabase db push` refuses to run (\"Remote migration versions not found in local migrations directory\"). Restore the file (`supabase migration fetch` rebuilds it), or remove the row.";
            resolution = [SetState(set, version, "RolledBack") + "   # remove the row (the objects stay)"];
        }
        return new CrmMigration
        {
            Version = version, Name = name, State = CrmMigrationState.Missing, AppliedAt = own?.AppliedAt, AppliedBy = own?.AppliedBy,
            Checksum = own?.Checksum, Transactional = own?.Transactional ?? true, Set = set.Kind,
            History = own == null ? CrmHistoryState.None : CrmHistoryState.Applied,
            Ledger = ledger == null ? CrmLedgerState.NotUsed : row != null ? CrmLedgerState.Present : CrmLedgerState.Absent,
            SameSqlAs = twin?.Version, Disagreement = disagreement, Resolution = resolution,
        };
    }

    /// <summary>The Set-CrmMigrationState call for a version of this set, runnable as shown.</summary>
    internal static string SetState(MigrationSet set, string version, string state) =>
        $"Set-CrmMigrationState {(set.Kind == CrmMigrationSetKind.BuiltIn ? "-BuiltIn" : $"-Path '{set.Root}'")} -Version {version} -State {state}";


    /// <summary>What an Incomplete state means and how to settle it.</summary>
    internal static string IncompleteMessage(string fileName, IncompleteRun run) =>
        $"{fileName} is Incomplete: its {(run.Direction == CrmMigrationDirection.Up ? "up script" : "rollback")} started without a transaction " +
        $"at {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z ({run.StartedBy}) and did not finish ({Trim(run.Message)}), so some of its statements may be applied. " +
        $"Check what it did and finish or undo the rest by hand, then record the outcome with Set-CrmMigrationState -Version {run.Version} -State Applied (or RolledBack); " +
        "CrmOps will not run it again blindly. If another run is executing it right now, wait for that run to finish.";

    private static string Trim(string message)
    {
        var m = message.TrimEnd('.', ' ');
        return m.Length > 300 ? m[..300] + "..." : m;
    }

    public static CrmMigration ToModel(MigrationFile f, CrmMigrationState state, HistoryEntry? h = null, string? message = null) => new()
    {
        Version = f.Version,
        Name = f.Name,
        State = state,
        AppliedAt = h?.AppliedAt,
        AppliedBy = h?.AppliedBy,
        Checksum = f.Checksum,
        HasRollback = f.HasRollbackStatements,
        HasVerify = f.VerifyStatements is { Count: > 0 },
        Transactional = f.Transactional,
        Requirements = f.Directives.Requirements.Select(r => r.ToString()).ToArray(),
        Path = f.Path,
        RollbackPath = f.RollbackPath,
        VerifyPath = f.VerifyPath,
        Message = message,
    };

    internal static bool IsApplied(CrmMigrationState s) => s is CrmMigrationState.Applied or CrmMigrationState.Modified;

    internal static bool IsPending(CrmMigrationState s) => s is CrmMigrationState.Pending or CrmMigrationState.RolledBack;

    /// <summary>The newest version the database has applied (files or not, either ledger); "" when none.</summary>
    internal static string NewestApplied(IEnumerable<CrmMigration> status) =>
        status.Where(m => IsApplied(m.State) || m.State is CrmMigrationState.Missing or CrmMigrationState.Adopted ||
                          m.State == CrmMigrationState.Conflict && (m.History == CrmHistoryState.Applied || m.Ledger == CrmLedgerState.Present))
            .Select(m => m.Version).DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
}
