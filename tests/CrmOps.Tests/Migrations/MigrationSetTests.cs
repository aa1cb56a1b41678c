using CrmOps.Errors;
using CrmOps.Migrations;
using Xunit;

namespace CrmOps.Tests.Migrations;

public sealed class MigrationSetTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crmops-set-" + Guid.NewGuid().ToString("N"));

    public MigrationSetTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "migrations"));
        Directory.CreateDirectory(Path.Combine(_root, "rollbacks"));
        Directory.CreateDirectory(Path.Combine(_root, "verify"));
    }

    public void Dispose() => Directory.Delete(_root, true);

    private void Write(string folder, string name, string text) => File.WriteAllText(Path.Combine(_root, folder, name), text);

    [Fact]
    public void ChecksumIgnoresLineEndingsAndBom()
    {
        var lf = MigrationSet.Checksum("select 1;\nselect 2;\n");
        Assert.Equal(lf, MigrationSet.Checksum("select 1;\r\nselect 2;\r\n"));
        Assert.Equal(lf, MigrationSet.Checksum("\uFEFFselect 1;\rselect 2;\r"));
        Assert.NotEqual(lf, MigrationSet.Checksum("select 1;\nselect 3;\n"));
        Assert.Matches("^[0-9a-f]{64}$", lf);
    }

    [Fact]
    public void CrlfAndLfFilesHaveTheSameChecksum()
    {
        Write("migrations", "20250101000000_a.sql", "select 1;\r\nselect 2;\r\n");
        Write("migrations", "20250101000001_b.sql", "select 1;\nselect 2;\n");
        var set = MigrationSet.Load(_root);
        Assert.Empty(set.Problems);
        Assert.Equal(set.Migrations[0].Checksum, set.Migrations[1].Checksum);
    }

    [Fact]
    public void LoadsSupabaseLayoutInVersionOrder()
    {
        Write("migrations", "20250115100001_second.sql", "-- crmops:require-rows public.customer_profiles >= 1000\nalter table customer_profiles add column x int;");
        Write("migrations", "20250115100000_first.sql", "-- crmops:no-transaction\ncreate index concurrently i on t (a);");
        Write("rollbacks", "20250115100001_second.sql", "alter table customer_profiles drop column x;");
        Write("verify", "20250115100001_second.sql", "select true;");
        Write("migrations", "README.md", "not a migration");
        var set = MigrationSet.Load(_root);
        Assert.Empty(set.Problems);
        Assert.Equal(["20250115100000", "20250115100001"], set.Migrations.Select(m => m.Version).ToArray());
        var first = set.Migrations[0];
        Assert.False(first.Transactional);
        Assert.Null(first.RollbackPath);
        var second = set.Migrations[1];
        Assert.True(second.Transactional);
        Assert.NotNull(second.RollbackStatements);
        Assert.Single(second.VerifyStatements!);
        var r = Assert.Single(second.Directives.Requirements);
        Assert.Equal(("public", "customer_profiles", ">=", 1000L), (r.Schema, r.Table, r.Operator, r.Count));
    }

    [Fact]
    public void MalformedNamesDuplicatesAndOrphansAreReportedWithPath()
    {
        Write("migrations", "bad-name.sql", "select 1;");
        Write("migrations", "2025_short_version.sql", "select 1;"); // the CLI's pattern: any digits
        Write("migrations", "20250101000000_a.sql", "select 1;");
        Write("migrations", "20250101000000_b.sql", "select 2;");
        Write("rollbacks", "20250101000009_orphan.sql", "select 1;");
        Write("migrations", "20250101000001_meta.sql", "select 1;\n\\i x.sql\n");
        var set = MigrationSet.Load(_root);
        Assert.Contains(set.Problems, p => p.ErrorId == "MigrationFileInvalid" && p.Path.EndsWith("bad-name.sql") && p.Message.Contains("Supabase's CLI"));
        Assert.Contains(set.Migrations, m => m.Version == "2025" && m.Name == "short_version");
        Assert.Contains(set.Problems, p => p.ErrorId == "MigrationDuplicateVersion" && p.Path.EndsWith("20250101000000_b.sql") && p.Message.Contains("20250101000000_a.sql"));
        Assert.Contains(set.Problems, p => p.ErrorId == "MigrationFileInvalid" && p.Path.EndsWith("20250101000009_orphan.sql"));
        Assert.Contains(set.Problems, p => p.ErrorId == "SplitterPsqlMetaCommand" && p.Message.Contains("line 2"));
        var ex = Assert.Throws<CrmException>(set.ThrowIfInvalid);
        Assert.Contains("more problem", ex.Message);
    }

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnreadableFileIsReported()
    {
        Write("migrations", "20250101000000_a.sql", "select 1;");
        File.SetUnixFileMode(Path.Combine(_root, "migrations", "20250101000000_a.sql"), UnixFileMode.None);
        // Root reads every file whatever its mode (CI runs as root): read as 'nobody' for the load, through
        // this thread's file-system user id, which drops root's file-access override while it is not 0.
        MigrationSet set;
        using (FileSystemUser.Nobody())
            set = MigrationSet.Load(_root);
        var p = Assert.Single(set.Problems);
        Assert.Equal("MigrationFileUnreadable", p.ErrorId);
        Assert.EndsWith("20250101000000_a.sql", p.Path);
        Assert.Contains("cannot be read", p.Message);
        Assert.Empty(set.Migrations);
    }

    [UnixFact]
    public void DanglingSymlinkIsReportedAsUnreadable()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "migrations", "20250101000000_gone.sql"), Path.Combine(_root, "does-not-exist.sql"));
        var set = MigrationSet.Load(_root);
        var p = Assert.Single(set.Problems);
        Assert.Equal("MigrationFileUnreadable", p.ErrorId);
        Assert.EndsWith("20250101000000_gone.sql", p.Path);
        Assert.Empty(set.Migrations);
    }

    [Fact]
    public void MissingFolderIsAClearError()
    {
        var ex = Assert.Throws<CrmException>(() => MigrationSet.Load(Path.Combine(_root, "nope")));
        Assert.Equal("MigrationFolderNotFound", ex.ErrorId);
    }

    [Fact]
    public void CreateMakesThreeFilesWithAHeader()
    {
        var f = MigrationSet.Create(_root, "add_lead_score", new DateTime(2025, 10, 15, 11, 40, 0, DateTimeKind.Utc));
        Assert.Equal("20251015114000", f.Version);
        Assert.True(File.Exists(f.Path) && File.Exists(f.RollbackPath) && File.Exists(f.VerifyPath));
        var again = MigrationSet.Create(_root, "other", new DateTime(2025, 10, 15, 11, 40, 0, DateTimeKind.Utc));
        Assert.Equal("20251015114001", again.Version);
        // Untouched templates are not migrations yet (issue 12): each is a problem that names it, and none is loaded.
        var set = MigrationSet.Load(_root);
        Assert.Empty(set.Migrations);
        Assert.Equal(["MigrationFileEmpty", "MigrationFileEmpty"], set.Problems.Select(p => p.ErrorId).ToArray());
        Assert.All(set.Problems, p => Assert.Contains("template, untouched", p.Message));
    }

    [Theory]
    [InlineData("AddLeadScore")]
    [InlineData("add lead")]
    [InlineData("1_add")]
    [InlineData("add__x")]
    [InlineData("add;drop")]
    public void CreateRejectsNonSnakeCase(string name)
    {
        var ex = Assert.Throws<CrmException>(() => MigrationSet.Create(_root, name, DateTime.UtcNow));
        Assert.Equal("MigrationNameInvalid", ex.ErrorId);
    }
}

public class DirectivesTests
{
    [Theory]
    [InlineData("-- crmops:require-rows customers >= 1000", null, "customers", ">=", 1000)]
    [InlineData("--crmops:require-rows public.Customers > 5", "public", "customers", ">", 5)]
    [InlineData("-- crmops:require-rows \"My Schema\".\"My Table\" = 3", "My Schema", "My Table", "=", 3)]
    [InlineData("-- crmops:require-rows t <= 9_369", null, "t", "<=", 9369)]
    [InlineData("-- crmops:require-rows t < 1,000", null, "t", "<", 1000)]
    public void ParsesRequireRows(string line, string? schema, string table, string op, long n)
    {
        var r = Assert.Single(Directives.Parse(line + "\nselect 1;", "m.sql").Requirements);
        Assert.Equal((schema, table, op, n), (r.Schema, r.Table, r.Operator, r.Count));
        Assert.Equal(1, r.Line);
    }

    [Fact]
    public void RequirementQuotesItsName()
    {
        var r = Directives.Parse("-- crmops:require-rows \"a\"\"b\".c >= 1", "m").Requirements[0];
        Assert.Equal("\"a\"\"b\".\"c\"", r.QuotedName);
        Assert.True(r.IsSatisfiedBy(1));
        Assert.False(r.IsSatisfiedBy(0));
    }

    [Theory]
    [InlineData("-- crmops:require-rows customers >> 5")]
    [InlineData("-- crmops:require-rows customers; drop table x >= 5")]
    [InlineData("-- crmops:requires-rows customers >= 5")]
    [InlineData("-- crmops:no-transaction please")]
    [InlineData("select 1;\n-- crmops:no-transaction")]
    public void BadDirectivesAreErrors(string text)
    {
        var ex = Assert.Throws<CrmException>(() => Directives.Parse(text, "m.sql"));
        Assert.Equal("MigrationDirectiveInvalid", ex.ErrorId);
        Assert.Contains("m.sql:", ex.Message);
    }

    [Fact]
    public void NoTransaction()
    {
        Assert.True(Directives.Parse("-- a comment\n-- crmops:no-transaction\n\ncreate index concurrently i on t(a);", "m").NoTransaction);
        Assert.False(Directives.Parse("select 1;", "m").NoTransaction);
    }
}
