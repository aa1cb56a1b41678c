using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using CrmOps.Schema;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>
/// Test-CrmMigration -RoundTrip: rehearses each pending migration inside one transaction that is always rolled back:
/// schema snapshot, up, verify, down, snapshot again (the same <see cref="SchemaSnapshot"/> and comparer as
/// Compare-CrmSchema); every difference is one failing result, a clean round trip one passing result. Nothing persists
/// whatever the files say: transaction control in them is refused when the set is loaded (before the rehearsal
/// starts), each statement is checked to have left the transaction open, and after each script the session's settings,
/// identity and role are restored (a file may SET ROLE, SET SESSION AUTHORIZATION or RESET ALL) before the snapshot is
/// taken. (Sequences advanced by rehearsed inserts stay advanced: PostgreSQL sequences are not transactional.)
/// </summary>
public static class MigrationRehearsal
{
    public static IReadOnlyList<CrmCheckResult> RoundTrip(CrmConnection connection, MigrationSet set, MigrationOptions o, ICrmHost host)
    {
        var pending = MigrationPlanner.Pending(set, o, MigrationStatus.Get(connection, set));
        var results = new List<CrmCheckResult>();
        if (pending.Count == 0)
        {
            results.Add(MigrationValidator.Pass("RoundTrip", set.Root, "No pending migrations to rehearse."));
            return results;
        }
        var activity = $"Rehearsing migrations on {connection}";
        using var conn = connection.Open();
        var tx = conn.BeginTransaction();
        try
        {
            MigrationCommands.SetLockTimeout(conn, tx, o.LockTimeout);
            MigrationCommands.ExcludeOwnSchema(conn, tx);
            var role = MigrationCommands.CurrentRole(conn, tx);
            for (var i = 0; i < pending.Count; i++)
            {
                var f = pending[i];
                host.Cancellation.ThrowIfCancellationRequested();
                host.WriteProgress(activity, $"Rehearsing {f.FileName} ({i + 1} of {pending.Count})", i * 100 / pending.Count);
                if (!Rehearse(conn, tx, f, host, results, role, o, isLast: i == pending.Count - 1)) break;
            }
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception ex) when (ex is not CrmException)
        {
            throw Db.Translate(ex, connection, "Rehearsing migrations");
        }
        finally
        {
            MigrationCommands.SafeRollback(tx);
            host.WriteProgress(activity, "Done", 100);
        }
        return results;
    }

    /// <summary>One migration's round trip; false when the rehearsal cannot go on to the next migration.</summary>
    private static bool Rehearse(NpgsqlConnection conn, NpgsqlTransaction tx, MigrationFile f, ICrmHost host, List<CrmCheckResult> results, string role, MigrationOptions o, bool isLast)
    {
        if (!f.Transactional)
        {
            results.Add(MigrationValidator.Fail("RoundTrip", f.FileName,
                $"{f.FileName} runs without a transaction (crmops:no-transaction) and cannot be rehearsed inside one; rehearsal stopped here."));
            return false;
        }
        if (f.RollbackStatements == null)
        {
            results.Add(MigrationValidator.Fail("RoundTrip", f.FileName, $"{f.FileName} has no rollback script; rehearsal stopped here."));
            return false;
        }
        if (!f.HasRollbackStatements || f.RollbackDirectives?.NoTransaction == true)
        {
            results.Add(MigrationValidator.Fail("RoundTrip", f.FileName, f.HasRollbackStatements
                ? $"{f.FileName}'s rollback runs without a transaction (crmops:no-transaction) and cannot be rehearsed inside one; rehearsal stopped here."
                : $"{f.FileName}'s rollback script has no statement to run{f.RollbackEmptyReason}; rehearsal stopped here."));
            return false;
        }
        var guards = MigrationGuards.Check(conn, tx, f);
        if (guards.Count > 0)
        {
            results.Add(MigrationValidator.Fail("RoundTrip", f.FileName, $"{string.Join(" ", guards)} Rehearsal stopped here."));
            return false;
        }
        var cancel = host.Cancellation;
        var before = SchemaSnapshot.Take(conn, tx);
        MigrationCommands.Execute(conn, tx, SqlText.Get("Migrations/savepoint.sql"), cancel);
        var stage = "up";
        SqlStatement? current = null;
        void RunScript(IReadOnlyList<SqlStatement> statements)
        {
            foreach (var s in statements)
            {
                current = s;
                MigrationCommands.ExecuteHolding(conn, tx, s.Text, o.LockTimeout, cancel);
                if (tx.Connection == null)
                    throw new CrmException("MigrationTransactionEnded", CrmErrorKind.InvalidData,
                        $"{f.FileName}: line {s.Line} ('{MigrationCommands.FirstLine(s.Text)}') ended the rehearsal's transaction; what ran before it may be committed. Check the database.", f.FileName);
            }
            current = null;
            MigrationCommands.RestoreSession(conn, tx, role, o.LockTimeout);
        }
        try
        {
            RunScript(f.Statements);
            stage = "verify";
            MigrationRunner.Verify(conn, tx, f, host);
            stage = "down";
            RunScript(f.RollbackStatements);
        }
        catch (CrmException ex) when (ex.ErrorId == "MigrationTransactionEnded") { throw; }
        catch (Exception ex) when (ex is PostgresException or CrmException)
        {
            cancel.ThrowIfCancellationRequested();
            var msg = ex is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : ex.Message.TrimEnd('.');
            var line = current != null && stage != "verify" ? $" at line {current.Line}" : "";
            results.Add(MigrationValidator.Fail("RoundTrip", f.FileName, $"{f.FileName}: the {stage} script failed{line}: {msg}. Rehearsal stopped here; nothing persists."));
            return false;
        }
        var diffs = SchemaComparer.Compare(before, SchemaSnapshot.Take(conn, tx));
        foreach (var d in diffs)
        {
            var what = $"{SchemaScript.Label(d.ObjectType)} {d.Name}";
            results.Add(MigrationValidator.Fail("RoundTrip", $"{f.FileName}: {what}", d.Change switch
            {
                CrmSchemaChange.Added => $"After up and down, {what} is left behind: the rollback does not remove it.",
                CrmSchemaChange.Removed => $"After up and down, {what} is gone: the rollback removes something the migration did not add (or does not restore it).",
                _ => $"After up and down, {what} differs from before ({d.Property}).",
            }, d.Change == CrmSchemaChange.Added ? "(absent)" : d.Reference ?? "(none)", d.Change == CrmSchemaChange.Removed ? "(absent)" : d.Difference ?? "(none)"));
        }
        if (diffs.Count == 0)
            results.Add(MigrationValidator.Pass("RoundTrip", f.FileName, $"{f.FileName}: up, verify and down leave the schema exactly as before."));
        // Back to the schema before this migration (whatever its rollback left), then up again so that the
        // next migration sees the schema it was written against.
        MigrationCommands.Execute(conn, tx, SqlText.Get("Migrations/rollback_to_savepoint.sql"), cancel);
        if (isLast) return false;
        try
        {
            RunScript(f.Statements);
        }
        catch (PostgresException pg)
        {
            results.Add(MigrationValidator.Fail("RoundTrip", f.FileName,
                $"{f.FileName}: re-applying the up script after its rollback failed at line {current?.Line}: {pg.MessageText}. Rehearsal stopped here; nothing persists."));
            return false;
        }
        return true;
    }
}
