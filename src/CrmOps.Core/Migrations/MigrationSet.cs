using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CrmOps.Errors;

namespace CrmOps.Migrations;

/// <summary>Something wrong with a file of the set, reported with its path (never skipped silently).</summary>
public sealed record MigrationProblem(string ErrorId, string Path, string Message)
{
    public CrmException ToException() => new(ErrorId, CrmErrorKind.InvalidData, Message, Path);
}

/// <summary>One migration: the up script and, when present, its rollback and verify scripts (same file name).</summary>
public sealed class MigrationFile
{
    public string Version { get; init; } = "";
    public string Name { get; init; } = "";
    public string FileName => $"{Version}_{Name}.sql";
    public string Path { get; init; } = "";
    public string? RollbackPath { get; init; }
    public string? VerifyPath { get; init; }
    /// <summary>The up script with line endings normalised to \n.</summary>
    public string Content { get; init; } = "";
    /// <summary>
    /// CrmOps' checksum: SHA-256 of the statements without comments, whitespace outside literals collapsed
    /// (<see cref="CliStatementSplitter.Canonical"/>), so the file `supabase migration fetch` rebuilds from the ledger
    /// has the same checksum as the file it came from.
    /// </summary>
    public string Checksum { get; init; } = "";
    /// <summary>The checksum older CrmOps versions recorded (SHA-256 of the whole text, line endings normalised): still accepted.</summary>
    public string LegacyChecksum { get; init; } = "";
    /// <summary>What Supabase's CLI stores in the ledger's statements column for this file (pkg/parser/token.go SplitAndTrim of the bytes as read).</summary>
    public IReadOnlyList<string> CliStatements { get; init; } = [];
    /// <summary><see cref="CliStatementSplitter.Canonical"/> of the statements: compared with ledger rows written by other tools.</summary>
    public string Canonical { get; init; } = "";
    public Directives Directives { get; init; } = new();
    /// <summary>The up script's statements that run: a BEGIN ... COMMIT wrapper around the whole file is not among them (see <see cref="TransactionControl"/>).</summary>
    public IReadOnlyList<SqlStatement> Statements { get; init; } = [];
    /// <summary>The up script's statements as written, wrapper included: what Supabase's ledger records.</summary>
    public IReadOnlyList<SqlStatement> WrittenStatements { get; init; } = [];
    public string? RollbackContent { get; init; }
    /// <summary>The rollback's statements that run (wrapper absorbed); empty when the rollback holds only comments.</summary>
    public IReadOnlyList<SqlStatement>? RollbackStatements { get; init; }
    public Directives? RollbackDirectives { get; init; }
    /// <summary>Whether a rollback script exists and has at least one statement to run.</summary>
    public bool HasRollbackStatements => RollbackStatements is { Count: > 0 };
    /// <summary>When the rollback script has no statement to run: why (", only comments", ": it is New-CrmMigration's template, untouched").</summary>
    public string? RollbackEmptyReason { get; init; }
    public IReadOnlyList<SqlStatement>? VerifyStatements { get; init; }
    public bool Transactional => !Directives.NoTransaction;
    public override string ToString() => FileName;
}

/// <summary>Whether a set's runs consult and write Supabase's ledger (supabase_migrations.schema_migrations).</summary>
public enum LedgerUse
{
    /// <summary>Never (the built-in set; -Ledger None).</summary>
    None,
    /// <summary>When the ledger exists (a -Path folder that is not a Supabase CLI project).</summary>
    IfExists,
    /// <summary>Always, creating the ledger as the CLI does when it is missing (a folder with config.toml beside migrations/; -Ledger Supabase).</summary>
    Create,
}

/// <summary>
/// A migration set in Supabase's layout: &lt;root&gt;/migrations/&lt;digits&gt;_&lt;name&gt;.sql (the file names Supabase's CLI
/// accepts), with rollbacks/ and verify/ holding files of the same name. Loading never throws for one bad file: every
/// malformed name, duplicate version, unreadable or unsplittable file becomes a <see cref="MigrationProblem"/> that
/// names the path. Files are in file-name order, the order in which the CLI applies them.
/// </summary>
public sealed class MigrationSet
{
    /// <summary>Largest migration file loaded (a bigger one is data, not a schema change).</summary>
    public const long MaxFileBytes = 10L * 1024 * 1024;

    public string Root { get; init; } = "";
    public IReadOnlyList<MigrationFile> Migrations { get; init; } = [];
    public IReadOnlyList<MigrationProblem> Problems { get; init; } = [];
    /// <summary>The built-in set or a project folder: each set reads and writes only its own history rows.</summary>
    public CrmMigrationSetKind Kind { get; init; } = CrmMigrationSetKind.Project;
    /// <summary>Versions and names of the built-in set's files: history rows of an older CrmOps that match one belong to the built-in set.</summary>
    public IReadOnlyList<(string Version, string Name)> BuiltInNames { get; init; } = [];
    /// <summary>Whether runs of this set consult and write Supabase's ledger (never for the built-in set).</summary>
    public LedgerUse Ledger { get; init; } = LedgerUse.IfExists;
    /// <summary>Whether the folder is a Supabase CLI project (supabase/config.toml beside migrations/).</summary>
    public bool IsSupabaseProject { get; init; }

    /// <summary>The history rows' set: 'builtin' or 'project'.</summary>
    public string SetName => Kind == CrmMigrationSetKind.BuiltIn ? "builtin" : "project";

    /// <summary>Supabase's CLI (apps/cli-go/pkg/migration/file.go:30, migrateFilePattern): version = the digits, name = the rest.</summary>
    public static readonly Regex FileNamePattern = new(@"^(?<version>[0-9]+)_(?<name>.*)\.sql$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
    /// <summary>apps/cli-go/pkg/migration/list.go:65: the CLI skips a first file like this (its old "init" migration).</summary>
    private static readonly Regex CliInitSchema = new(@"([0-9]{14})_init\.sql", RegexOptions.CultureInvariant);
    public static readonly Regex SnakeCase = new(@"^[a-z][a-z0-9]*(_[a-z0-9]+)*$", RegexOptions.CultureInvariant);

    /// <summary>SHA-256 (lower-case hex) of the text with CRLF and CR normalised to LF and any UTF-8 BOM removed.</summary>
    public static string Checksum(string content)
    {
        var normal = Normalize(content);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normal))).ToLowerInvariant();
    }

    public static string Normalize(string content)
    {
        if (content.Length > 0 && content[0] == '\uFEFF') content = content[1..];
        return content.Replace("\r\n", "\n").Replace('\r', '\n');
    }

    public void ThrowIfInvalid()
    {
        if (Problems.Count == 0) return;
        var first = Problems[0];
        var more = Problems.Count > 1 ? $" ({Problems.Count - 1} more problem(s): run Test-CrmMigration to list them all)" : "";
        throw new CrmException(first.ErrorId, CrmErrorKind.InvalidData, first.Message + more, first.Path);
    }

    /// <summary>Why a script has no statement to run, for messages (New-CrmMigration's untouched template is named as such).</summary>
    internal static string Why(string content, IReadOnlyList<SqlStatement> written, string version, string name) =>
        content == UpTemplate(version, name) || content == RollbackTemplate(version, name) || content == VerifyTemplate(version, name)
            ? ": it is New-CrmMigration's template, untouched"
            : written.Count > 0 ? ": only BEGIN and COMMIT" : ", only comments";

    internal static string UpTemplate(string version, string name) =>
$@"-- Migration {version}_{name}
-- Directives (comment lines before the first statement):
--   -- crmops:require-rows public.customer_profiles >= 1000   refuse unless the table has at least that many rows
--   -- crmops:no-transaction                                    run outside a transaction (CREATE INDEX CONCURRENTLY)

";

    internal static string RollbackTemplate(string version, string name) =>
        $"-- Rollback of {version}_{name}: undo exactly what the up script does, in reverse order.\n\n";

    internal static string VerifyTemplate(string version, string name) =>
        $"-- Verify {version}_{name}: each query returns exactly one row with one boolean column; anything but true rolls the migration back.\n-- select exists (select 1 from information_schema.columns where table_name = 'customer_profiles' and column_name = 'lead_score');\n";

    /// <summary>Loads a folder. <paramref name="ledger"/>: Auto (null) uses the ledger when it exists, and creates it when the folder is a Supabase CLI project.</summary>
    public static MigrationSet Load(string root, CrmMigrationSetKind kind = CrmMigrationSetKind.Project,
        IReadOnlyList<(string Version, string Name)>? builtInNames = null, LedgerUse? ledger = null)
    {
        var full = System.IO.Path.GetFullPath(root);
        var migrationsDir = System.IO.Path.Combine(full, "migrations");
        if (!Directory.Exists(migrationsDir))
            throw new CrmException("MigrationFolderNotFound", CrmErrorKind.ObjectNotFound,
                $"No migrations folder at '{migrationsDir}'. -Path names the folder that holds migrations/ (Supabase's layout: supabase/migrations); create one with New-CrmMigration.", migrationsDir);
        var rollbacksDir = System.IO.Path.Combine(full, "rollbacks");
        var verifyDir = System.IO.Path.Combine(full, "verify");
        var problems = new List<MigrationProblem>();
        var files = new List<MigrationFile>();
        var byVersion = new Dictionary<string, string>(StringComparer.Ordinal);
        var isProject = File.Exists(System.IO.Path.Combine(full, "config.toml"));

        // The CLI reads the folder with fs.ReadDir: every entry in byte order of its name (list.go:34).
        var entries = Directory.EnumerateFileSystemEntries(migrationsDir).Select(System.IO.Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        for (var index = 0; index < entries.Count; index++)
        {
            var fileName = entries[index]!;
            var path = System.IO.Path.Combine(migrationsDir, fileName);
            if (Directory.Exists(path)) continue;
            if (!fileName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)) continue; // README.md and the like (the CLI skips them too)
            var m = FileNamePattern.Match(fileName);
            if (!m.Success)
            {
                problems.Add(new("MigrationFileInvalid", path,
                    $"'{path}' is not named <version digits>_<name>.sql (for example 20250115100000_create_timeline.sql), the pattern Supabase's CLI requires (it skips this file); it was not loaded. Rename it."));
                continue;
            }
            if (index == 0 && CliInitSchema.Match(fileName) is { Success: true } init &&
                ulong.TryParse(init.Groups[1].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts) && ts < 20211209000000)
            {
                problems.Add(new("MigrationFileInvalid", path,
                    $"'{path}' is the first file and named <timestamp before 20211209000000>_init.sql: Supabase's CLI skips such a file (its old initial schema), so CrmOps and the CLI would disagree about it. Rename it (another name or a newer version)."));
                continue;
            }
            var version = m.Groups["version"].Value;
            var name = m.Groups["name"].Value;
            if (byVersion.TryGetValue(version, out var other))
            {
                problems.Add(new("MigrationDuplicateVersion", path,
                    $"'{path}' has version {version}, which '{other}' already has; versions must be unique."));
                continue;
            }
            byVersion[version] = path;

            if (new FileInfo(path).Length > MaxFileBytes)
            {
                problems.Add(new("MigrationFileTooLarge", path,
                    $"'{path}' is {new FileInfo(path).Length / 1048576.0:0.#} MB; a migration file may be at most {MaxFileBytes / 1048576} MB (load bulk data with COPY, not a migration). It was not loaded."));
                continue;
            }
            string content, raw;
            try
            {
                // As bytes, like the CLI (no BOM removed, no line endings changed): what it stores in the ledger.
                raw = new UTF8Encoding(false).GetString(File.ReadAllBytes(path));
                content = Normalize(raw);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add(new("MigrationFileUnreadable", path, $"'{path}' cannot be read: {ex.Message}"));
                continue;
            }

            var rollbackPath = System.IO.Path.Combine(rollbacksDir, fileName);
            var verifyPath = System.IO.Path.Combine(verifyDir, fileName);
            try
            {
                if (content.Contains('\0') || content.Contains('\uFFFD'))
                    throw new CrmException("MigrationFileNotText", CrmErrorKind.InvalidData,
                        $"'{path}' is not UTF-8 SQL text (it holds NUL bytes or invalid UTF-8); it was not loaded.", path);
                // Blank, or only comments (New-CrmMigration's untouched template): refused, never recorded as applied.
                if (string.IsNullOrWhiteSpace(content))
                    throw new CrmException("MigrationFileEmpty", CrmErrorKind.InvalidData,
                        $"'{path}' is empty; write the migration or delete the file.", path);
                var directives = Directives.Parse(content, path);
                var written = StatementSplitter.Split(content, path);
                var (statements, _) = TransactionControl.Absorb(written, path, ScriptKind.Up, directives.NoTransaction);
                if (statements.Count == 0)
                    throw new CrmException("MigrationFileEmpty", CrmErrorKind.InvalidData,
                        $"'{path}' has no statement to run{Why(content, written, version, name)}. Write the migration below the header, or delete the file; nothing was run.", path);
                string? rbContent = null, rbEmpty = null; IReadOnlyList<SqlStatement>? rbStatements = null; Directives? rbDirectives = null;
                if (File.Exists(rollbackPath))
                {
                    rbContent = Normalize(File.ReadAllText(rollbackPath));
                    rbDirectives = Directives.Parse(rbContent, rollbackPath);
                    var rbWritten = StatementSplitter.Split(rbContent, rollbackPath);
                    (rbStatements, _) = TransactionControl.Absorb(rbWritten, rollbackPath, ScriptKind.Rollback, rbDirectives.NoTransaction);
                    if (rbStatements.Count == 0) rbEmpty = Why(rbContent, rbWritten, version, name);
                }
                IReadOnlyList<SqlStatement>? verify = null;
                if (File.Exists(verifyPath))
                {
                    var verifyContent = Normalize(File.ReadAllText(verifyPath));
                    if (!Directives.Parse(verifyContent, verifyPath).IsEmpty)
                        throw new CrmException("MigrationDirectiveInvalid", CrmErrorKind.InvalidData,
                            $"'{verifyPath}' holds a crmops: directive; directives belong in the up or rollback script, a verify script holds only queries. Nothing was run.", verifyPath);
                    (verify, _) = TransactionControl.Absorb(StatementSplitter.Split(verifyContent, verifyPath), verifyPath, ScriptKind.Verify, noTransaction: false);
                }
                var cli = CliStatementSplitter.SplitAndTrim(raw);
                var canonical = CliStatementSplitter.Canonical(cli);
                files.Add(new MigrationFile
                {
                    Version = version,
                    Name = name,
                    Path = path,
                    RollbackPath = rbContent != null ? rollbackPath : null,
                    VerifyPath = verify != null ? verifyPath : null,
                    Content = content,
                    Checksum = CanonicalChecksum(canonical),
                    LegacyChecksum = Checksum(content),
                    CliStatements = cli,
                    Canonical = canonical,
                    Directives = directives,
                    Statements = statements,
                    WrittenStatements = written,
                    RollbackContent = rbContent,
                    RollbackStatements = rbStatements,
                    RollbackDirectives = rbDirectives,
                    RollbackEmptyReason = rbEmpty,
                    VerifyStatements = verify,
                });
            }
            catch (CrmException ex)
            {
                problems.Add(new(ex.ErrorId, ex.TargetObject as string ?? path, ex.Message));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add(new("MigrationFileUnreadable", path, $"A file of '{path}' cannot be read: {ex.Message}"));
            }
        }

        // Rollback and verify files must belong to a migration: an orphan is usually a typo in its name.
        foreach (var (dir, script) in new[] { (rollbacksDir, "rollback"), (verifyDir, "verify") })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var path in Directory.EnumerateFiles(dir, "*.sql").OrderBy(p => p, StringComparer.Ordinal))
            {
                var fileName = System.IO.Path.GetFileName(path);
                if (!File.Exists(System.IO.Path.Combine(migrationsDir, fileName)))
                    problems.Add(new("MigrationFileInvalid", path,
                        $"'{path}' is a {script} script with no migration of the same name in '{migrationsDir}'."));
            }
        }

        return new MigrationSet
        {
            Root = full,
            Migrations = files, // file-name order, as the CLI applies them
            Problems = problems,
            Kind = kind,
            BuiltInNames = kind == CrmMigrationSetKind.BuiltIn ? files.Select(f => (f.Version, f.Name)).ToList() : builtInNames ?? [],
            Ledger = kind == CrmMigrationSetKind.BuiltIn ? LedgerUse.None : ledger ?? (isProject ? LedgerUse.Create : LedgerUse.IfExists),
            IsSupabaseProject = isProject,
        };
    }

    /// <summary>SHA-256 (lower-case hex) of a canonical text.</summary>
    public static string CanonicalChecksum(string canonical) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))).ToLowerInvariant();

    /// <summary>Whether a recorded checksum is this file's (the current one, or the one older CrmOps versions recorded).</summary>
    public static bool Matches(MigrationFile f, string recorded) =>
        string.Equals(recorded, f.Checksum, StringComparison.Ordinal) || string.Equals(recorded, f.LegacyChecksum, StringComparison.Ordinal);

    /// <summary>Creates migrations/&lt;UTC yyyyMMddHHmmss&gt;_&lt;name&gt;.sql with a directive header, and its rollback and verify files.</summary>
    public static MigrationFile Create(string root, string name, DateTime utcNow)
    {
        if (!SnakeCase.IsMatch(name))
            throw new CrmException("MigrationNameInvalid", CrmErrorKind.InvalidArgument,
                $"'{name}' is not a snake_case name (lower-case letters, digits and single underscores, starting with a letter), for example add_lead_score.", name);
        var full = System.IO.Path.GetFullPath(root);
        var migrationsDir = System.IO.Path.Combine(full, "migrations");
        Directory.CreateDirectory(migrationsDir);
        Directory.CreateDirectory(System.IO.Path.Combine(full, "rollbacks"));
        Directory.CreateDirectory(System.IO.Path.Combine(full, "verify"));
        var version = utcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        // Two migrations created in the same second still get distinct, ordered versions.
        while (Directory.EnumerateFiles(migrationsDir, version + "_*.sql").Any())
            version = DateTime.ParseExact(version, "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture)
                .AddSeconds(1).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var fileName = $"{version}_{name}.sql";
        var up = System.IO.Path.Combine(migrationsDir, fileName);
        var down = System.IO.Path.Combine(full, "rollbacks", fileName);
        var verify = System.IO.Path.Combine(full, "verify", fileName);
        var upText = UpTemplate(version, name);
        var downText = RollbackTemplate(version, name);
        var verifyText = VerifyTemplate(version, name);
        File.WriteAllText(up, upText);
        File.WriteAllText(down, downText);
        File.WriteAllText(verify, verifyText);
        var cli = CliStatementSplitter.SplitAndTrim(upText);
        var canonical = CliStatementSplitter.Canonical(cli);
        return new MigrationFile
        {
            Version = version, Name = name, Path = up, RollbackPath = down, VerifyPath = verify,
            Content = upText, Checksum = CanonicalChecksum(canonical), LegacyChecksum = Checksum(upText), CliStatements = cli, Canonical = canonical,
            Directives = Directives.Parse(upText, up),
        };
    }
}
