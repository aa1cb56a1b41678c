using System.Globalization;
using CrmOps.Connections;
using CrmOps.Errors;
using CrmOps.Hosting;
using Npgsql;

namespace CrmOps.Migrations;

/// <summary>
/// New-CrmMigration -FromBuiltIn: the built-in migrations become files of the project's own folder (with their
/// rollbacks and verify scripts), versioned after everything the folder and both ledgers know, so Supabase's CLI
/// never sees one "inserted before the last migration". When the built-in set is already applied, the copies are
/// recorded as applied in CrmOps' history and in Supabase's ledger without running, and the built-in rows are marked
/// adopted (state Adopted): from then on the project folder alone owns these objects.
/// </summary>
public static class MigrationAdoption
{
    private const string Format = "yyyyMMddHHmmss";

    public static IReadOnlyList<CrmMigration> Adopt(CrmConnection connection, MigrationSet builtIn, MigrationSet project, MigrationOptions o, ICrmHost host, DateTime utcNow)
    {
        builtIn.ThrowIfInvalid();
        project.ThrowIfInvalid();
        var builtInStatus = MigrationStatus.Get(connection, builtIn);
        var projectStatus = MigrationStatus.Get(connection, project);
        foreach (var b in builtIn.Migrations)
            if (project.Migrations.FirstOrDefault(p => p.Name == b.Name) is { } already)
                throw new CrmException("MigrationAlreadyAdopted", CrmErrorKind.InvalidOperation,
                    $"'{project.Root}' already holds {already.FileName}, a copy of the built-in {b.FileName}: nothing was copied.", already.Path);
        var unsettled = builtInStatus.Where(m => m.State is CrmMigrationState.Modified or CrmMigrationState.Conflict or CrmMigrationState.Adopted).ToList();
        if (unsettled.Count > 0)
            throw new CrmException("MigrationAdoptionRefused", CrmErrorKind.InvalidOperation,
                $"Refused: built-in migration(s) {string.Join(", ", unsettled.Select(m => $"{m.FileName} ({m.State})"))} cannot be copied as they are: " +
                "a copy recorded as applied must be the SQL that ran. Check Get-CrmMigration -BuiltIn first; nothing was copied.", unsettled[0].FileName);
        MigrationPlanner.ThrowIfConflict(project, projectStatus, "adopt into");

        // Newer than every version the folder and either ledger know, and never before now.
        var newest = project.Migrations.Select(f => f.Version).Concat(projectStatus.Select(m => m.Version))
            .DefaultIfEmpty("").Max(StringComparer.Ordinal)!;
        var plan = new List<(MigrationFile Source, string Version, bool Applied)>();
        foreach (var b in builtIn.Migrations)
        {
            var version = Next(newest, utcNow);
            var applied = builtInStatus.First(m => m.Version == b.Version).State == CrmMigrationState.Applied;
            plan.Add((b, version, applied));
            newest = version;
        }

        // All or nothing: every copy is confirmed (or shown, with -WhatIf) before any is written.
        var confirmed = plan.Select(p => host.ShouldProcess(Path.Combine(project.Root, "migrations", $"{p.Version}_{p.Source.Name}.sql"),
            $"Copy built-in {p.Source.FileName}{(p.Applied ? " and record the copy as applied in CrmOps' history and Supabase's ledger (the built-in one is applied)" : "")}")).ToList();
        if (host.IsWhatIf || confirmed.Any(c => !c)) return [];
        var written = new List<string>();
        try
        {
            foreach (var (b, version, _) in plan)
                written.AddRange(Copy(project.Root, b, version));
            var adopted = MigrationSet.Load(project.Root, CrmMigrationSetKind.Project, project.BuiltInNames, project.Ledger);
            var toRecord = plan.Where(p => p.Applied).ToList();
            if (toRecord.Count > 0) Record(connection, builtIn, adopted, toRecord, o, host);
            var versions = plan.Select(p => p.Version).ToHashSet(StringComparer.Ordinal);
            return MigrationStatus.Get(connection, adopted).Where(m => versions.Contains(m.Version)).ToList();
        }
        catch
        {
            Remove(written);
            throw;
        }
    }

    /// <summary>A 14-digit UTC timestamp (as `supabase migration new` makes) after <paramref name="newest"/>: now, or one second after it.</summary>
    private static string Next(string newest, DateTime utcNow)
    {
        var candidate = utcNow.ToString(Format, CultureInfo.InvariantCulture);
        if (string.CompareOrdinal(candidate, newest) > 0) return candidate;
        if (newest.Length == Format.Length && DateTime.TryParseExact(newest, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return t.AddSeconds(1).ToString(Format, CultureInfo.InvariantCulture);
        throw new CrmException("MigrationVersionUnusable", CrmErrorKind.InvalidOperation,
            $"The newest version the folder or its ledgers know ({newest}) is not a 14-digit timestamp that a newer one can follow; nothing was copied.", newest);
    }

    /// <summary>Writes the up script (with a header naming its origin), the rollback and the verify script; returns the paths written.</summary>
    private static List<string> Copy(string root, MigrationFile b, string version)
    {
        var fileName = $"{version}_{b.Name}.sql";
        var paths = new List<string>();
        foreach (var dir in new[] { "migrations", "rollbacks", "verify" }) Directory.CreateDirectory(Path.Combine(root, dir));
        var up = Path.Combine(root, "migrations", fileName);
        if (File.Exists(up)) throw new CrmException("MigrationFileExists", CrmErrorKind.InvalidOperation, $"'{up}' already exists; nothing was copied.", up);
        File.WriteAllText(up, $"-- Adopted from CrmOps' built-in migration {b.FileName} (New-CrmMigration -FromBuiltIn):\n-- this folder's copy is the one that runs from now on.\n" + b.Content);
        paths.Add(up);
        if (b.RollbackContent != null)
        {
            var down = Path.Combine(root, "rollbacks", fileName);
            File.WriteAllText(down, b.RollbackContent);
            paths.Add(down);
        }
        if (b.VerifyPath != null)
        {
            var verify = Path.Combine(root, "verify", fileName);
            File.Copy(b.VerifyPath, verify);
            paths.Add(verify);
        }
        return paths;
    }

    private static void Remove(IEnumerable<string> paths)
    {
        foreach (var p in paths)
            try { File.Delete(p); } catch (IOException) { /* best effort: the error that got us here matters more */ }
    }

    /// <summary>One locked transaction: the copies applied (CrmOps' history and the ledger), the built-in rows adopted, stale built-in ledger rows removed.</summary>
    private static void Record(CrmConnection connection, MigrationSet builtIn, MigrationSet project, List<(MigrationFile Source, string Version, bool Applied)> copies, MigrationOptions o, ICrmHost host)
    {
        const string label = "Recording the adopted built-in migrations";
        using var conn = connection.Open();
        NpgsqlTransaction? tx = null;
        try
        {
            tx = MigrationCommands.BeginLocked(conn, connection, o, host, label);
            MigrationHistory.Ensure(conn, tx, project, label);
            var before = MigrationHistory.Read(conn, tx, project);
            foreach (var (b, version, _) in copies)
            {
                var copy = project.Migrations.First(f => f.Version == version);
                MigrationHistory.Record(conn, tx, project, copy, copy.Version, copy.Name, CrmMigrationDirection.Up, TimeSpan.Zero, true, copy.Transactional, true,
                    $"adopted from the built-in {b.FileName}: recorded as applied, not run");
                MigrationHistory.Record(conn, tx, builtIn, b, b.Version, b.Name, CrmMigrationDirection.Up, TimeSpan.Zero, true, b.Transactional, true,
                    $"adopted by '{project.Root}' as {copy.FileName}", adoptedAs: copy.Version);
                // An older CrmOps wrote the built-in versions into the ledger; with no file of that version they stop `supabase db push`.
                if (before.Ledger?.TryGetValue(b.Version, out var stale) == true && stale.Name == b.Name && project.Migrations.All(f => f.Version != b.Version))
                {
                    MigrationHistory.Record(conn, tx, project, null, b.Version, b.Name, CrmMigrationDirection.Down, TimeSpan.Zero, true, true, true,
                        "built-in version an older CrmOps wrote into Supabase's ledger, removed on adoption");
                    host.WriteVerbose($"Removed {b.Version} ('{b.Name}'), written by an older CrmOps, from Supabase's ledger.");
                }
            }
            tx.Commit();
        }
        catch (Exception ex)
        {
            MigrationCommands.SafeRollback(tx);
            throw Db.Translate(ex, connection, label);
        }
    }
}
