using CrmOps.Errors;
using CrmOps.Migrations;
using Xunit;

namespace CrmOps.Tests.Migrations;

/// <summary>Issue 12: what a user may write in a migration file, and what is refused (before anything runs) with its line.</summary>
public sealed class FileRulesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crmops-rules-" + Guid.NewGuid().ToString("N"));

    public FileRulesTests()
    {
        foreach (var d in new[] { "migrations", "rollbacks", "verify" }) Directory.CreateDirectory(Path.Combine(_root, d));
    }

    public void Dispose() => Directory.Delete(_root, true);

    private void Write(string folder, string name, string text) => File.WriteAllText(Path.Combine(_root, folder, name), text);

    private static (IReadOnlyList<SqlStatement> Body, bool Wrapped) Absorb(string sql, ScriptKind kind = ScriptKind.Up, bool noTx = false) =>
        TransactionControl.Absorb(StatementSplitter.Split(sql, "m.sql"), "m.sql", kind, noTx);

    [Theory]
    [InlineData("begin;\ncreate table t (id int);\ncommit;")]
    [InlineData("-- header\nBEGIN TRANSACTION;\ncreate table t (id int);\nEND;\n-- trailer")]
    [InlineData("start transaction;\ncreate table t (id int);\nCOMMIT WORK;")]
    [InlineData("/* c */ Begin Work ; create table t (id int); end transaction;")]
    public void TheWholeFileWrapperIsAbsorbed(string sql)
    {
        var (body, wrapped) = Absorb(sql);
        Assert.True(wrapped);
        Assert.Equal("create table t (id int)", Assert.Single(body).Text);
    }

    [Theory]
    [InlineData("create table a (id int);\ncommit;\ncreate table b (id int);", 2)]
    [InlineData("create table a (id int);\nend;\ncreate table b (id int);", 2)]
    [InlineData("begin;\ncreate table a (id int);\ncommit and chain;\ncreate table b (id int);\ncommit;", 3)]
    [InlineData("create table a (id int);\nrollback;\ncreate table b (id int);", 2)]
    [InlineData("create table a (id int);\nABORT;", 2)]
    [InlineData("savepoint s1;\ncreate table a (id int);\nrelease savepoint s1;", 1)]
    [InlineData("create table a (id int);\nrollback to savepoint s1;", 2)]
    [InlineData("create table a (id int);\nprepare transaction 'x';", 2)]
    [InlineData("set transaction read only;\ncreate table a (id int);", 1)]
    [InlineData("begin isolation level serializable;\ncreate table a (id int);\ncommit;", 1)]
    [InlineData("begin;\ncreate table a (id int);", 1)]
    [InlineData("create table a (id int);\ncommit;", 2)]
    [InlineData("begin;\nbegin;\ncreate table a (id int);\ncommit;\ncommit;", 2)]
    [InlineData("create table a (id int);\ncommit prepared 'x';", 2)]
    public void OtherTransactionControlIsRefusedWithItsLine(string sql, int line)
    {
        var ex = Assert.Throws<CrmException>(() => Absorb(sql));
        Assert.Equal("MigrationTransactionControl", ex.ErrorId);
        Assert.StartsWith($"m.sql:{line}: ", ex.Message);
    }

    [Fact]
    public void NoTransactionScriptsTakeNoTransactionControlAtAll()
    {
        Assert.Equal("MigrationTransactionControl", Assert.Throws<CrmException>(() => Absorb("begin;\ncreate index concurrently i on t (a);\ncommit;", noTx: true)).ErrorId);
        var ex = Assert.Throws<CrmException>(() => Absorb("create index concurrently i on t (a);\ncommit;\nselect 1;", noTx: true));
        Assert.Contains("without a transaction", ex.Message);
        Assert.Contains("verify", Assert.Throws<CrmException>(() => Absorb("select true;\ncommit;\nselect true;", ScriptKind.Verify)).Message);
    }

    [Theory]
    [InlineData("create function f() returns int language plpgsql as $$ begin commit; return 1; end $$;")]
    [InlineData("do $$ begin rollback; end $$;")]
    [InlineData("select 'commit';")]
    [InlineData("-- commit;\nselect 1;")]
    [InlineData("create procedure p() language sql begin atomic select 1; end;")]
    [InlineData("prepare q as select 1;")]
    [InlineData("update t set a = 1 where b = 'begin';")]
    public void TransactionWordsInBodiesStringsAndCommentsAreNotControl(string sql) =>
        Assert.False(Absorb(sql).Wrapped);

    [Theory]
    [InlineData("-- crmops: require-rows public.customers >= 1000\nselect 1;", 1)]
    [InlineData("-- crmops : no-transaction\nselect 1;", 1)]
    [InlineData("/* crmops:require-rows public.customers >= 1000 */\nselect 1;", 1)]
    [InlineData("/*\n * crmops:no-transaction\n */\nselect 1;", 2)]
    [InlineData("---crmops:no-transaction\nselect 1;", 1)]
    [InlineData("-- CRMOPS no-transaction\nselect 1;", 1)]
    [InlineData("-- no-transaction\nselect 1;", 1)]
    [InlineData("-- require_rows public.customers >= 5\nselect 1;", 1)]
    [InlineData("-- crm-ops:no-transaction\nselect 1;", 1)]
    [InlineData("-- crmops:require-rows public.customers >= 99999999999999999999\nselect 1;", 1)]
    [InlineData("-- crmops:require-rows public.customers >= 9223372036854775808\nselect 1;", 1)]
    [InlineData("select 1;\n/* crmops:no-transaction */", 2)]
    public void LookAlikeDirectivesAreErrorsNamingTheLine(string sql, int line)
    {
        var ex = Assert.Throws<CrmException>(() => Directives.Parse(sql, "m.sql"));
        Assert.Equal("MigrationDirectiveInvalid", ex.ErrorId);
        Assert.StartsWith($"m.sql:{line}: ", ex.Message);
    }

    [Fact]
    public void RealDirectivesAndCommentedOutOnesStillWork()
    {
        var d = Directives.Parse("--crmops:no-transaction\n-- CRMOPS:REQUIRE-ROWS public.customers >= 9223372036854775807\n-- -- crmops:require-rows x >= 1\n-- a comment that mentions crmops\nselect 1;", "m.sql");
        Assert.True(d.NoTransaction);
        Assert.Equal(long.MaxValue, Assert.Single(d.Requirements).Count);
    }

    [Fact]
    public void ParenthesesKeepSemicolonsInsideOneStatementAsPsqlDoes()
    {
        var s = StatementSplitter.Split("create rule r as on insert to v do also (insert into a values (1); insert into b values (2));\nselect 1;");
        Assert.Equal(2, s.Count);
        Assert.EndsWith("insert into b values (2))", s[0].Text);
        Assert.Equal("SplitterUnbalancedParenthesis", Assert.Throws<CrmException>(() => StatementSplitter.Split("select (1;\nselect 2;")).ErrorId);
        Assert.Equal(2, StatementSplitter.Split("select ')'; select '(';").Count);
    }

    [Theory]
    [InlineData("copy public.t (a, b) from stdin;\n1\t2\n\\.\n", "FROM STDIN")]
    [InlineData("select 1;\nCOPY t FROM STDIN WITH (FORMAT csv);\n1,2\n\\.\n", "FROM STDIN")]
    [InlineData("copy (select 1) to stdout;", "TO STDOUT")]
    public void CopyWithPsqlsDataStreamIsRefusedWithWhatToDo(string sql, string what)
    {
        var ex = Assert.Throws<CrmException>(() => StatementSplitter.Split(sql, "m.sql"));
        Assert.Equal("SplitterCopyStdin", ex.ErrorId);
        Assert.Contains(what, ex.Message);
        Assert.DoesNotContain("meta-command", ex.Message);
    }

    [Theory]
    [InlineData("٢١٠٠٠١٠١٠٠٠٠٠٨_arabic.sql")]
    [InlineData("２０２５０１０１０００００００_fullwidth.sql")]
    [InlineData("२०२५०१०१०००००००_devanagari.sql")]
    public void VersionsAreAsciiDigitsOnly(string name)
    {
        Write("migrations", name, "select 1;");
        var set = MigrationSet.Load(_root);
        Assert.Empty(set.Migrations);
        Assert.Equal("MigrationFileInvalid", Assert.Single(set.Problems).ErrorId);
    }

    [Fact]
    public void UntouchedTemplatesAreNeverMigrations()
    {
        var f = MigrationSet.Create(_root, "add_thing", new DateTime(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc));
        var set = MigrationSet.Load(_root);
        var p = Assert.Single(set.Problems);
        Assert.Equal("MigrationFileEmpty", p.ErrorId);
        Assert.Contains("template", p.Message);
        // Filled in: a migration; its untouched rollback template has nothing to run.
        File.AppendAllText(f.Path, "create table t (id int);\n");
        var m = Assert.Single(MigrationSet.Load(_root).Migrations);
        Assert.False(m.HasRollbackStatements);
        Assert.Contains("template", m.RollbackEmptyReason);
        Assert.Empty(m.VerifyStatements!);
    }

    [Theory]
    [InlineData("-- only a comment\n")]
    [InlineData("/* nothing */")]
    [InlineData("begin;\ncommit;")]
    public void ScriptsWithoutStatementsAreRefused(string text)
    {
        Write("migrations", "20250101000000_x.sql", text);
        Assert.Equal("MigrationFileEmpty", Assert.Single(MigrationSet.Load(_root).Problems).ErrorId);
    }

    [Fact]
    public void WrappedFilesRunTheirBodyAndKeepTheWrittenStatementsForTheLedger()
    {
        Write("migrations", "20250101000000_x.sql", "begin;\ncreate table t (id int);\ncommit;\n");
        Write("rollbacks", "20250101000000_x.sql", "BEGIN;\ndrop table t;\nEND;\n");
        var m = Assert.Single(MigrationSet.Load(_root).Migrations);
        Assert.Equal(["create table t (id int)"], m.Statements.Select(s => s.Text).ToArray());
        Assert.Equal(3, m.WrittenStatements.Count);
        Assert.Equal(["drop table t"], m.RollbackStatements!.Select(s => s.Text).ToArray());
    }

    [Fact]
    public void VerifyScriptsTakeNoDirectives()
    {
        Write("migrations", "20250101000000_x.sql", "create table t (id int);");
        Write("verify", "20250101000000_x.sql", "-- crmops:no-transaction\nselect true;");
        Assert.Equal("MigrationDirectiveInvalid", Assert.Single(MigrationSet.Load(_root).Problems).ErrorId);
    }

    [Fact]
    public void ZeroOrNegativeLockTimeoutIsRefusedByTheCoreForEveryHost()
    {
        Assert.Equal("MigrationLockTimeoutInvalid", Assert.Throws<CrmException>(() => new MigrationOptions { LockTimeout = TimeSpan.Zero }).ErrorId);
        var ex = Assert.Throws<CrmException>(() => new MigrationOptions { LockTimeout = TimeSpan.FromSeconds(-1) });
        Assert.Contains("-LockTimeout", ex.Message);
        Assert.Equal(CrmErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("MigrationLockWaitInvalid", Assert.Throws<CrmException>(() => new MigrationOptions { LockWait = TimeSpan.FromSeconds(-1) }).ErrorId);
        Assert.Equal(TimeSpan.FromMilliseconds(1), new MigrationOptions { LockTimeout = TimeSpan.FromMilliseconds(1) }.LockTimeout);
    }
}
