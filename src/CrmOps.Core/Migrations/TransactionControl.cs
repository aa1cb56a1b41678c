using System.Text.RegularExpressions;
using CrmOps.Errors;

namespace CrmOps.Migrations;

/// <summary>Which script of a migration a statement list comes from (for messages and the rules that differ).</summary>
public enum ScriptKind { Up, Rollback, Verify }

/// <summary>
/// Transaction control written in a migration's scripts. CrmOps runs each transactional script, with its history row,
/// in one transaction of its own, so a COMMIT, ROLLBACK, SAVEPOINT... inside it would break that promise (statements
/// after a COMMIT run in autocommit, outside the run's lock; a ROLLBACK silently discards what came before). The rule:
/// <list type="bullet">
/// <item>the common wrapper of hand-written Supabase migrations, a plain <c>BEGIN</c> / <c>BEGIN TRANSACTION</c> /
/// <c>START TRANSACTION</c> as the first statement and a plain <c>COMMIT</c> / <c>END</c> as the last, is recognised and
/// absorbed: the body runs in CrmOps' transaction (Supabase's CLI runs such a file the same way);</item>
/// <item>any other transaction control, anywhere in an up, rollback or verify script, is refused when the set is
/// loaded, before anything runs, naming the file and line;</item>
/// <item>a script that runs without a transaction (crmops:no-transaction) takes no transaction control at all.</item>
/// </list>
/// </summary>
public static class TransactionControl
{
    private static readonly Regex Words = new(@"[A-Za-z_][A-Za-z0-9_$]*|\S", RegexOptions.CultureInvariant);

    /// <summary>The body of a script (the wrapper removed) and whether it had one; throws when any other transaction control is found.</summary>
    public static (IReadOnlyList<SqlStatement> Body, bool Wrapped) Absorb(IReadOnlyList<SqlStatement> statements, string path, ScriptKind kind, bool noTransaction)
    {
        var body = statements.ToList();
        var wrapped = false;
        if (body.Count > 0 && Classify(body[0]) is Control.Begin or Control.BeginWithModes)
        {
            var first = body[0];
            if (Classify(first) == Control.BeginWithModes)
                throw Refuse(path, first, $"'{Show(first)}' sets transaction modes that CrmOps does not apply (each migration runs in one READ COMMITTED transaction of its own). Write a plain BEGIN, or remove the BEGIN ... COMMIT wrapper.");
            if (body.Count < 2 || Classify(body[^1]) != Control.Commit)
                throw Refuse(path, first, $"'{Show(first)}' opens a transaction that the file never commits (its last statement is not COMMIT). Remove the BEGIN (CrmOps runs each migration in a transaction of its own), or end the file with COMMIT.");
            if (noTransaction)
                throw Refuse(path, first, $"'{Show(first)}' ... '{Show(body[^1])}' wraps the file in a transaction, but crmops:no-transaction says it must run without one. Remove the wrapper or the directive.");
            body = body.GetRange(1, body.Count - 2);
            wrapped = true;
        }
        else if (body.Count > 0 && Classify(body[^1]) == Control.Commit)
            throw Refuse(path, body[^1], $"'{Show(body[^1])}' commits a transaction the file never began. Remove it (CrmOps commits each migration itself, together with its history row).");

        foreach (var s in body)
        {
            var c = Classify(s);
            if (c == Control.None) continue;
            var why = kind switch
            {
                ScriptKind.Verify => "verify queries run inside the migration's transaction, which CrmOps commits or rolls back itself. Remove it.",
                _ when noTransaction => "this script runs without a transaction (crmops:no-transaction): each statement commits on its own, and CrmOps records the run. Remove it, or split the work into separate migrations.",
                _ => "CrmOps runs each migration, together with its history row, in one transaction of its own; a COMMIT, ROLLBACK or SAVEPOINT inside it would leave the migration half-applied or unrecorded. Remove it (a BEGIN ... COMMIT around the whole file is accepted), or split the work into separate migrations.",
            };
            throw Refuse(path, s, $"'{Show(s)}' is transaction control: {why}");
        }
        return (body, wrapped);
    }

    internal enum Control { None, Begin, BeginWithModes, Commit, Other }

    /// <summary>What kind of transaction control a statement is, judged by its leading keywords (comments and strings are not looked at).</summary>
    internal static Control Classify(SqlStatement s)
    {
        var words = Words.Matches(s.Code).Select(m => m.Value.ToUpperInvariant()).Take(4).ToArray();
        if (words.Length == 0) return Control.None;
        static bool Plain(string[] w) => w.Length == 1 || (w.Length == 2 && w[1] is "WORK" or "TRANSACTION");
        return words[0] switch
        {
            "BEGIN" when words.Length > 1 && words[1] == "ATOMIC" => Control.None,
            "BEGIN" => Plain(words) ? Control.Begin : Control.BeginWithModes,
            "START" when words.Length > 1 && words[1] == "TRANSACTION" => words.Length == 2 ? Control.Begin : Control.BeginWithModes,
            "COMMIT" or "END" => Plain(words) ? Control.Commit : Control.Other, // COMMIT AND CHAIN, COMMIT PREPARED
            "ROLLBACK" or "ABORT" or "SAVEPOINT" or "RELEASE" => Control.Other,
            "PREPARE" when words.Length > 1 && words[1] == "TRANSACTION" => Control.Other,
            "SET" when words.Length > 1 && words[1] == "TRANSACTION" => Control.Other,
            "SET" when words.Length > 2 && words[1] is "LOCAL" or "SESSION" && words[2] == "TRANSACTION" => Control.Other,
            _ => Control.None,
        };
    }

    private static string Show(SqlStatement s) => MigrationCommands.FirstLine(s.Text);

    private static CrmException Refuse(string path, SqlStatement s, string message) =>
        new("MigrationTransactionControl", CrmErrorKind.InvalidData, $"{path}:{s.Line}: {message} Nothing was run.", path);
}
