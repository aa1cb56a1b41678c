using CrmOps.Connections;
using CrmOps.Hosting;
using CrmOps.Sql;
using Npgsql;
using NpgsqlTypes;

namespace CrmOps.Advisors;

/// <summary>What Get-CrmAdvisory looks at.</summary>
public sealed class AdvisoryOptions
{
    /// <summary>The lints to run (splinter's names); null: all of them.</summary>
    public IReadOnlyCollection<string>? Names { get; init; }
    /// <summary>The schemas PostgREST serves. Null: the database's pgrst.db_schemas setting when it has one, else public.</summary>
    public IReadOnlyList<string>? ExposedSchemas { get; init; }
}

/// <summary>The advisories found, and the lints that could not run here (with why).</summary>
public sealed record AdvisoryRun(IReadOnlyList<CrmAdvisory> Advisories, IReadOnlyList<string> Skipped, string? SkipReason, IReadOnlyList<string> ExposedSchemas);

/// <summary>
/// Supabase's Security and Performance Advisors on any PostgreSQL database: splinter's lints, one embedded SQL file
/// each under Sql/Advisors (named after splinter's lint file, computed the same way), run in one read-only
/// transaction. The lints that ask what the API roles may read run only where anon and authenticated exist.
/// </summary>
public static class DatabaseAdvisor
{
    /// <summary>A lint: its splinter name, its file, and whether it needs the API roles and the exposed schemas.</summary>
    public sealed record Lint(string Name, string File, bool NeedsApiRoles);

    public static readonly IReadOnlyList<Lint> Lints =
    [
        new("rls_disabled_in_public", "0013_rls_disabled_in_public.sql", true),
        new("policy_exists_rls_disabled", "0007_policy_exists_rls_disabled.sql", false),
        new("security_definer_view", "0010_security_definer_view.sql", true),
        new("materialized_view_in_api", "0016_materialized_view_in_api.sql", true),
        new("function_search_path_mutable", "0011_function_search_path_mutable.sql", false),
        new("extension_in_public", "0014_extension_in_public.sql", false),
        new("rls_enabled_no_policy", "0008_rls_enabled_no_policy.sql", false),
        new("duplicate_index", "0009_duplicate_index.sql", false),
        new("unindexed_foreign_keys", "0001_unindexed_foreign_keys.sql", false),
        new("no_primary_key", "0004_no_primary_key.sql", false),
        new("unused_index", "0005_unused_index.sql", false),
    ];

    public static AdvisoryRun Run(CrmConnection connection, AdvisoryOptions options, ICrmHost host) =>
        Db.ReadOnly(connection, (conn, tx) =>
        {
            bool hasRoles;
            string? setting;
            using (var cmd = new NpgsqlCommand(SqlText.Get("Advisors/roles.sql"), conn, tx))
            using (var r = cmd.ExecuteReader())
            {
                r.Read();
                hasRoles = r.GetBoolean(0);
                setting = r.IsDBNull(1) ? null : r.GetString(1);
            }
            var fromSetting = (setting ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var schemas = options.ExposedSchemas is { Count: > 0 } given ? given.ToArray() : fromSetting.Length > 0 ? fromSetting : ["public"];
            var selected = Lints.Where(l => options.Names == null || options.Names.Contains(l.Name)).ToList();
            var advisories = new List<CrmAdvisory>();
            var skipped = new List<string>();
            var activity = $"Checking {connection} with Supabase's advisors";
            for (var i = 0; i < selected.Count; i++)
            {
                var lint = selected[i];
                host.Cancellation.ThrowIfCancellationRequested();
                if (lint.NeedsApiRoles && !hasRoles) { skipped.Add(lint.Name); continue; }
                host.WriteProgress(activity, lint.Name, i * 100 / selected.Count);
                using var cmd = new NpgsqlCommand(SqlText.Get("Advisors/" + lint.File), conn, tx) { CommandTimeout = 0 };
                if (lint.NeedsApiRoles)
                    cmd.Parameters.Add(new NpgsqlParameter { Value = schemas, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                using var r = cmd.ExecuteReader();
                while (r.Read())
                    advisories.Add(new CrmAdvisory
                    {
                        Name = r.GetString(0),
                        Title = r.GetString(1),
                        Level = r.GetString(2) switch { "ERROR" => CrmAdvisoryLevel.Error, "WARN" => CrmAdvisoryLevel.Warn, _ => CrmAdvisoryLevel.Info },
                        Categories = r.GetFieldValue<string[]>(3),
                        Description = r.GetString(4),
                        Detail = r.GetString(5),
                        Remediation = r.GetString(6),
                        Schema = r.StringOrNull(7),
                        Object = r.StringOrNull(8),
                        CacheKey = r.GetString(9),
                    });
            }
            host.WriteProgress(activity, "Done", 100);
            var reason = skipped.Count == 0 ? null
                : $"{string.Join(", ", skipped)} skipped: the roles anon and authenticated do not exist on {connection} (not a Supabase database), so nothing is exposed through Supabase's Data API.";
            return new AdvisoryRun(advisories, skipped, reason, schemas);
        }, "Checking the database with the advisors");
}
