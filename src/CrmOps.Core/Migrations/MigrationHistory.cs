using CrmOps.Bookkeeping;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Migrations;

/// <summary>A run without a transaction that started and did not finish (its latest history row is a start or failure row).</summary>
public sealed record IncompleteRun(string Version, CrmMigrationDirection Direction, DateTimeOffset StartedAt, string StartedBy, string Message);

/// <summary>One version's state as CrmOps' history records it (for one migration set).</summary>
public sealed record HistoryEntry(string Version, string? Name, string? Checksum, CrmMigrationDirection Direction,
    DateTimeOffset? AppliedAt, string? AppliedBy, bool Transactional, string? AdoptedAs = null);

/// <summary>One row of Supabase's ledger (supabase_migrations.schema_migrations).</summary>
public sealed record LedgerRow(string Version, string Name, IReadOnlyList<string>? Statements)
{
    public string? Canonical { get; } = Statements == null ? null : CliStatementSplitter.Canonical(Statements);
}

/// <summary>What the database says about one migration set: CrmOps' rows of that set, and the ledger when the set uses it.</summary>
public sealed class HistoryView
{
    public Dictionary<string, HistoryEntry> Own { get; init; } = new(StringComparer.Ordinal);
    /// <summary>Null when the set does not use the ledger or there is none.</summary>
    public Dictionary<string, LedgerRow>? Ledger { get; init; }
    public BookkeepingState? State { get; init; }
}

/// <summary>
/// The two ledgers: CrmOps' own history (supabase_migrations.crmops_migration_history, one row per run or mark, each
/// row tagged with its set) and Supabase's ledger (supabase_migrations.schema_migrations), which only a project set
/// writes, exactly as the CLI does, in the same transaction as the migration.
/// </summary>
internal static class MigrationHistory
{
    /// <summary>Creates CrmOps' tables if needed (and moves an older CrmOps' ones), and classifies rows written before sets existed.</summary>
    public static void Ensure(NpgsqlConnection conn, NpgsqlTransaction tx, MigrationSet set, string what)
    {
        Bookkeeping.Bookkeeping.Ensure(conn, tx, what);
        Bookkeeping.Bookkeeping.Classify(conn, tx, set.BuiltInNames);
    }

    public static HistoryView Read(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set, string what = "Reading the migration history")
    {
        var state = Bookkeeping.Bookkeeping.Locate(conn, tx);
        Bookkeeping.Bookkeeping.RequireRead(state, what);
        var own = new Dictionary<string, HistoryEntry>(StringComparer.Ordinal);
        if (state.HistoryTable is { } table)
        {
            using var cmd = new NpgsqlCommand(SqlText.Fill("Migrations/history.sql", ("history", table)), conn, tx);
            cmd.Parameters.Add(new NpgsqlParameter { Value = set.SetName });
            cmd.Parameters.Add(new NpgsqlParameter { Value = set.BuiltInNames.Select(b => b.Version).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = set.BuiltInNames.Select(b => b.Name).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            using var r = cmd.ExecuteReader();
            while (r.Read())
                own[r.GetString(0)] = new HistoryEntry(r.GetString(0), r.StringOrNull(1), r.StringOrNull(2),
                    r.GetString(3) == "up" ? CrmMigrationDirection.Up : CrmMigrationDirection.Down,
                    r.GetFieldValue<DateTimeOffset>(4), r.GetString(5), r.GetBoolean(6), r.StringOrNull(7));
        }
        Dictionary<string, LedgerRow>? ledger = null;
        if (set.Ledger != LedgerUse.None && state.Ledger)
        {
            ledger = new Dictionary<string, LedgerRow>(StringComparer.Ordinal);
            try
            {
                using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/ledger_read.sql"), conn, tx);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                    ledger[r.GetString(0)] = new LedgerRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetFieldValue<string[]>(2));
            }
            catch (PostgresException pg) when (pg.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw LedgerDenied(state, what, Grant(state, "SELECT"));
            }
        }
        return new HistoryView { Own = own, Ledger = ledger, State = state };
    }

    /// <summary>Versions of this set whose latest row is an unfinished run without a transaction (see history_incomplete.sql).</summary>
    public static Dictionary<string, IncompleteRun> ReadIncomplete(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set)
    {
        var result = new Dictionary<string, IncompleteRun>(StringComparer.Ordinal);
        var state = Bookkeeping.Bookkeeping.Locate(conn, tx);
        if (state.HistoryTable is not { } table) return result;
        using var cmd = new NpgsqlCommand(SqlText.Fill("Migrations/history_incomplete.sql", ("history", table)), conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = set.SetName });
        cmd.Parameters.Add(new NpgsqlParameter { Value = set.BuiltInNames.Select(b => b.Version).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = set.BuiltInNames.Select(b => b.Name).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        using var r = cmd.ExecuteReader();
        while (r.Read())
            result[r.GetString(0)] = new IncompleteRun(r.GetString(0), r.GetString(1) == "up" ? CrmMigrationDirection.Up : CrmMigrationDirection.Down,
                r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), r.GetString(4));
        return result;
    }

    /// <summary>
    /// Records a run or a mark: CrmOps' row (with the set), and for a project set's success the ledger row, as the CLI
    /// writes it; returns the row's id. Up never overwrites a ledger row another client committed with other content (it
    /// refuses, and the caller's transaction rolls back); <paramref name="upsert"/> (Set-CrmMigrationState, like
    /// `repair --status applied`) does.
    /// </summary>
    public static long Record(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set, MigrationFile? f, string version, string name,
        CrmMigrationDirection direction, TimeSpan duration, bool success, bool transactional, bool marked, string? message,
        string? adoptedAs = null, bool upsert = false)
    {
        long id;
        using (var cmd = new NpgsqlCommand(SqlText.Get("Migrations/insert_history.sql"), conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = version });
            cmd.Parameters.Add(new NpgsqlParameter { Value = name });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)f?.Checksum ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = direction == CrmMigrationDirection.Up ? "up" : "down" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = $"{Environment.UserName}@{Environment.MachineName}" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = duration, NpgsqlDbType = NpgsqlDbType.Interval });
            cmd.Parameters.Add(new NpgsqlParameter { Value = success });
            cmd.Parameters.Add(new NpgsqlParameter { Value = transactional });
            cmd.Parameters.Add(new NpgsqlParameter { Value = marked ? "marked" : "run" });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)f?.Statements.Count ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)message ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = set.SetName });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)adoptedAs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            id = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (success) RecordLedger(conn, tx, set, f, version, direction, upsert);
        return id;
    }

    /// <summary>
    /// The end of a run without a transaction, written into the start row <see cref="Record"/> wrote before its first
    /// statement (one row per run; a start row left as it was means the run never came back). A success also goes to
    /// Supabase's ledger when the set uses it.
    /// </summary>
    public static void Finish(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set, MigrationFile? f, long id, string version,
        CrmMigrationDirection direction, TimeSpan duration, bool success, string? message)
    {
        using (var cmd = new NpgsqlCommand(SqlText.Get("Migrations/finish_history.sql"), conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = id });
            cmd.Parameters.Add(new NpgsqlParameter { Value = success });
            cmd.Parameters.Add(new NpgsqlParameter { Value = duration, NpgsqlDbType = NpgsqlDbType.Interval });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)message ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.ExecuteNonQuery();
        }
        if (success) RecordLedger(conn, tx, set, f, version, direction, upsert: false);
    }

    private static void RecordLedger(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set, MigrationFile? f, string version,
        CrmMigrationDirection direction, bool upsert)
    {
        if (set.Ledger == LedgerUse.None) return;
        if (direction == CrmMigrationDirection.Down) DeleteLedger(conn, tx, set, version);
        else if (f != null) WriteLedger(conn, tx, set, f, upsert);
    }

    /// <summary>Creates the ledger as the CLI does (or adds its columns to an older one) when the set may; false when it does not exist and may not be created.</summary>
    public static bool EnsureLedger(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set, string what = "Writing Supabase's migration ledger")
    {
        var s = Bookkeeping.Bookkeeping.Locate(conn, tx);
        if (set.Ledger == LedgerUse.None || (!s.Ledger && set.Ledger != LedgerUse.Create)) return false;
        if (s.Ledger && s.LedgerName && s.LedgerStatements) return true;
        try
        {
            using var cmd = new NpgsqlCommand(SqlText.Get("Migrations/ledger_create.sql"), conn, tx);
            cmd.ExecuteNonQuery();
        }
        catch (PostgresException pg) when (pg.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            var role = Identifier.Quote(s.Role);
            throw LedgerDenied(s, what, s.Ledger
                ? $"the ledger lacks the CLI's name and statements columns, and only its owner may add them: run `supabase db push` or `supabase migration repair` once (the CLI adds them), or as the owner: {string.Join(' ', SqlText.Get("Migrations/ledger_create.sql").Split('\n').Where(l => l.StartsWith("ALTER", StringComparison.Ordinal)))}"
                : $"the ledger does not exist yet and role {role} may not create it. As the database owner run: CREATE SCHEMA IF NOT EXISTS {Bookkeeping.Bookkeeping.Schema}; GRANT USAGE, CREATE ON SCHEMA {Bookkeeping.Bookkeeping.Schema} TO {role};");
        }
        return true;
    }

    private static void WriteLedger(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set, MigrationFile f, bool upsert)
    {
        if (!EnsureLedger(conn, tx, set)) return;
        try
        {
            if (upsert)
            {
                using var up = LedgerCommand(conn, tx, "Migrations/ledger_upsert.sql", f);
                up.ExecuteNonQuery();
                return;
            }
            using (var ins = LedgerCommand(conn, tx, "Migrations/ledger_insert.sql", f))
                if (ins.ExecuteScalar() != null) return;
            // Another client committed this version meanwhile: fine if it wrote the same, never overwritten otherwise.
            using var row = new NpgsqlCommand(SqlText.Get("Migrations/ledger_row.sql"), conn, tx);
            row.Parameters.Add(new NpgsqlParameter { Value = f.Version });
            using var r = row.ExecuteReader();
            r.Read();
            var name = r.GetString(0);
            var statements = r.IsDBNull(1) ? null : r.GetFieldValue<string[]>(1);
            r.Close();
            if (name == f.Name && statements != null && CliStatementSplitter.Canonical(statements) == f.Canonical) return;
            throw new CrmException("LedgerConflict", CrmErrorKind.InvalidOperation,
                $"{f.FileName}: Supabase's ledger already holds version {f.Version} ('{name}') with other content, committed by another client (the Supabase CLI, the dashboard) while this run ran. " +
                $"CrmOps does not overwrite it: the migration was rolled back, nothing changed. Compare with Get-CrmMigration -Path '{set.Root}', then settle with Set-CrmMigrationState -Version {f.Version}.", f.FileName);
        }
        catch (PostgresException pg) when (pg.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            var st = Bookkeeping.Bookkeeping.Locate(conn, tx);
            throw LedgerDenied(st, $"Recording {f.FileName}", Grant(st, "SELECT, INSERT, UPDATE, DELETE"));
        }
    }

    private static void DeleteLedger(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationSet set, string version)
    {
        var s = Bookkeeping.Bookkeeping.Locate(conn, tx);
        if (!s.Ledger) return;
        try
        {
            using var del = new NpgsqlCommand(SqlText.Get("Migrations/ledger_delete.sql"), conn, tx);
            del.Parameters.Add(new NpgsqlParameter { Value = new[] { version }, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            del.ExecuteNonQuery();
        }
        catch (PostgresException pg) when (pg.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw LedgerDenied(s, $"Removing version {version} from Supabase's ledger", Grant(s, "SELECT, INSERT, UPDATE, DELETE"));
        }
    }

    private static NpgsqlCommand LedgerCommand(NpgsqlConnection conn, NpgsqlTransaction? tx, string file, MigrationFile f)
    {
        var cmd = new NpgsqlCommand(SqlText.Get(file), conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = f.Version, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = f.Name, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = f.CliStatements.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        return cmd;
    }

    private static string Grant(BookkeepingState s, string privileges) =>
        $"as its owner (e.g. postgres) run: GRANT USAGE ON SCHEMA {Bookkeeping.Bookkeeping.Schema} TO {Identifier.Quote(s.Role)}; GRANT {privileges} ON {Bookkeeping.Bookkeeping.Ledger} TO {Identifier.Quote(s.Role)};";

    private static CrmException LedgerDenied(BookkeepingState s, string what, string remedy) =>
        new("LedgerPermissionDenied", CrmErrorKind.PermissionDenied,
            $"{what}: role {Identifier.Quote(s.Role)} may not use Supabase's migration ledger {Bookkeeping.Bookkeeping.Ledger}: {remedy} Nothing was changed.",
            Bookkeeping.Bookkeeping.Ledger);
}
