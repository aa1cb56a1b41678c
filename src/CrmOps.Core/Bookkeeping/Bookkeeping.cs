using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Bookkeeping;

/// <summary>What <see cref="Bookkeeping.Locate"/> found: CrmOps' tables, Supabase's ledger, and what the role may do.</summary>
public sealed record BookkeepingState(
    bool SchemaExists, bool SchemaUsage, bool SchemaCreate, bool DatabaseCreate,
    bool History, bool RefreshLog, bool ScoringRuns,
    bool LegacyHistory, bool LegacyRefreshLog, bool LegacyScoringRuns, bool LegacyUsage,
    bool Ledger, bool LedgerName, bool LedgerStatements, string Role, string Database,
    bool ScoreChanges = false, bool LegacyScoreChanges = false, bool LogColumns = false)
{
    /// <summary>The migration history table to read (older CrmOps: crmops.migration_history), or null when there is none.</summary>
    public string? HistoryTable => History ? Bookkeeping.History : LegacyHistory ? "crmops.migration_history" : null;
    public string? RefreshLogTable => RefreshLog ? Bookkeeping.RefreshLog : LegacyRefreshLog ? "crmops.refresh_log" : null;
    public string? ScoringRunsTable => ScoringRuns ? Bookkeeping.ScoringRuns : LegacyScoringRuns ? "crmops.scoring_runs" : null;
    /// <summary>The score change log to read (Get-CrmLeadMovement), or null when no scoring run has written one yet.</summary>
    public string? ScoreChangesTable => ScoreChanges ? Bookkeeping.ScoreChanges : LegacyScoreChanges ? "crmops.score_changes" : null;
}

/// <summary>
/// Where CrmOps keeps its own bookkeeping: tables crmops_migration_history, crmops_refresh_log, crmops_scoring_runs and
/// crmops_score_changes in schema supabase_migrations, beside Supabase's ledger (supabase_migrations.schema_migrations). Supabase's CLI
/// leaves that schema out of db diff, db pull, db dump and db lint, and its reset paths keep it (they truncate its
/// tables, as they drop what the history describes): see Sql/Bookkeeping/ensure.sql and docs/supabase.md. Installations
/// of an older CrmOps (schema crmops) are read in place and moved on the first command that writes.
/// </summary>
public static class Bookkeeping
{
    public const string Schema = "supabase_migrations";
    public const string History = "supabase_migrations.crmops_migration_history";
    public const string RefreshLog = "supabase_migrations.crmops_refresh_log";
    public const string ScoringRuns = "supabase_migrations.crmops_scoring_runs";
    public const string ScoreChanges = "supabase_migrations.crmops_score_changes";
    public const string Ledger = "supabase_migrations.schema_migrations";

    public static BookkeepingState Locate(NpgsqlConnection conn, NpgsqlTransaction? tx)
    {
        using var cmd = new NpgsqlCommand(SqlText.Get("Bookkeeping/locate.sql"), conn, tx);
        using var r = cmd.ExecuteReader();
        r.Read();
        return new BookkeepingState(r.GetBoolean(0), r.GetBoolean(1), r.GetBoolean(2), r.GetBoolean(3),
            r.GetBoolean(4), r.GetBoolean(5), r.GetBoolean(6), r.GetBoolean(7), r.GetBoolean(8), r.GetBoolean(9), r.GetBoolean(10),
            r.GetBoolean(11), r.GetBoolean(12), r.GetBoolean(13), r.GetString(14), r.GetString(15),
            r.GetBoolean(16), r.GetBoolean(17), r.GetBoolean(18));
    }

    /// <summary>Refuses with one clear error when the role cannot read schema supabase_migrations (where CrmOps' bookkeeping and Supabase's ledger are).</summary>
    public static void RequireRead(BookkeepingState s, string what)
    {
        if (s.SchemaExists && !s.SchemaUsage) throw NoUsage(s, what, write: false);
    }

    /// <summary>
    /// Creates (or moves from schema crmops) the bookkeeping tables, inside the caller's transaction. Refuses first, with
    /// the grant it needs and nothing changed, when the role may not: USAGE and CREATE on supabase_migrations (CREATE on
    /// the database when the schema does not exist yet).
    /// </summary>
    public static BookkeepingState Ensure(NpgsqlConnection conn, NpgsqlTransaction tx, string what)
    {
        var s = Locate(conn, tx);
        if (s.SchemaExists && !s.SchemaUsage) throw NoUsage(s, what, write: true);
        var complete = s.History && s.RefreshLog && s.ScoringRuns && s.ScoreChanges && s.LogColumns
                       && !s.LegacyHistory && !s.LegacyRefreshLog && !s.LegacyScoringRuns && !s.LegacyScoreChanges;
        if (!complete)
        {
            if (!s.SchemaExists && !s.DatabaseCreate)
                throw Denied(s, what, $"schema {Schema} does not exist and role {Q(s.Role)} may not create it. As the database owner run: CREATE SCHEMA {Schema}; GRANT USAGE, CREATE ON SCHEMA {Schema} TO {Q(s.Role)}; (or GRANT CREATE ON DATABASE {Q(s.Database)} TO {Q(s.Role)};)");
            if (s.SchemaExists && !s.SchemaCreate)
                throw Denied(s, what, $"its tables are not there yet and role {Q(s.Role)} may not create them. As the owner of schema {Schema} run: GRANT CREATE ON SCHEMA {Schema} TO {Q(s.Role)};");
            try
            {
                using var cmd = new NpgsqlCommand(SqlText.Get("Bookkeeping/ensure.sql"), conn, tx);
                cmd.ExecuteNonQuery();
            }
            catch (PostgresException pg) when (pg.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw Denied(s, what, $"{pg.MessageText}. CrmOps creates its tables there (or moves them from schema crmops) once; run the command once as their owner (e.g. postgres), or grant role {Q(s.Role)} ownership.");
            }
            s = Locate(conn, tx);
        }
        return s;
    }

    /// <summary>Rows of an older CrmOps get their migration set (built-in when version and name match a built-in file).</summary>
    public static void Classify(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<(string Version, string Name)> builtIn)
    {
        if (!Db.Scalar<bool>(conn, tx, SqlText.Get("Bookkeeping/unclassified.sql"))) return;
        using var cmd = new NpgsqlCommand(SqlText.Get("Bookkeeping/classify.sql"), conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = builtIn.Select(b => b.Version).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = builtIn.Select(b => b.Name).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        cmd.ExecuteNonQuery();
    }

    /// <summary>Reads the bookkeeping location in its own read-only transaction (for the operations' log reads).</summary>
    public static BookkeepingState LocateReadable(NpgsqlConnection conn, NpgsqlTransaction? tx, string what)
    {
        var s = Locate(conn, tx);
        RequireRead(s, what);
        return s;
    }

    private static string Q(string name) => Identifier.Quote(name);

    private static CrmException NoUsage(BookkeepingState s, string what, bool write) =>
        new("LedgerPermissionDenied", CrmErrorKind.PermissionDenied,
            $"{what}: role {Q(s.Role)} has no USAGE on schema {Schema}, where Supabase's migration ledger and CrmOps' history and logs are. " +
            $"As the schema's owner (e.g. postgres) run: GRANT USAGE ON SCHEMA {Schema} TO {Q(s.Role)};" +
            (write ? $" GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {Schema} TO {Q(s.Role)};" : $" GRANT SELECT ON ALL TABLES IN SCHEMA {Schema} TO {Q(s.Role)};") +
            " Nothing was changed.", Schema)
        { RecommendedAction = $"GRANT USAGE ON SCHEMA {Schema} TO {Q(s.Role)};" };

    private static CrmException Denied(BookkeepingState s, string what, string detail) =>
        new("LedgerPermissionDenied", CrmErrorKind.PermissionDenied,
            $"{what}: CrmOps keeps its history and logs in schema {Schema} (beside Supabase's migration ledger), but {detail} Nothing was changed.", Schema);
}
