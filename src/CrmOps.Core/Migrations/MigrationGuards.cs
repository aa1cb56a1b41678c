using System.Globalization;
using CrmOps.Connections;
using CrmOps.Sql;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>The require-rows guards: exact row counts of the tables a migration names, checked before it runs.</summary>
internal static class MigrationGuards
{
    /// <summary>Checks the up script's require-rows guards with an exact count; returns one failure message per unmet guard.</summary>
    public static List<string> Check(NpgsqlConnection conn, NpgsqlTransaction? tx, MigrationFile f, bool missingFails = true) =>
        Check(conn, tx, f.FileName, f.Directives, missingFails);

    /// <summary>
    /// Checks a script's require-rows guards (the up script's, or with <paramref name="script"/> "its rollback", the
    /// rollback's) with an exact count; one failure message per unmet guard, each saying nothing was changed.
    /// </summary>
    public static List<string> Check(NpgsqlConnection conn, NpgsqlTransaction? tx, string fileName, Directives? directives, bool missingFails = true, string? script = null)
    {
        var failures = new List<string>();
        var who = script == null ? fileName : $"{fileName} ({script})";
        foreach (var r in directives?.Requirements ?? [])
        {
            var rows = ExactCount(conn, tx, r.QuotedName, out var resolved);
            if (rows == null && !missingFails) continue; // created by an earlier pending migration: checked again just before it runs
            if (rows == null)
                failures.Add($"{who} requires {r} (line {r.Line}), but table {r.DisplayName} does not exist: refused, nothing of it was run.");
            else if (!r.IsSatisfiedBy(rows.Value))
                failures.Add($"{who} requires {r} (line {r.Line}), but {resolved} has {rows.Value.ToString("N0", CultureInfo.InvariantCulture)} row(s): refused, nothing of it was run. Is this the table you meant?");
        }
        return failures;
    }

    /// <summary>Exact row count of a table (null when it does not exist or is not a row source).</summary>
    public static long? ExactCount(NpgsqlConnection conn, NpgsqlTransaction? tx, string quotedName, out string resolved)
    {
        resolved = quotedName;
        string schema, name;
        using (var cmd = new NpgsqlCommand(SqlText.Get("Migrations/relation.sql"), conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = quotedName });
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            schema = r.GetString(0);
            name = r.GetString(1);
            if (r.GetString(2) is not ("r" or "p" or "m" or "f")) return null;
        }
        resolved = schema + "." + name;
        return Db.CountRows(conn, tx, schema, name);
    }
}
