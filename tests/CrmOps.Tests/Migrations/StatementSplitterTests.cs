using CrmOps.Errors;
using CrmOps.Migrations;
using Xunit;

namespace CrmOps.Tests.Migrations;

public class StatementSplitterTests
{
    private static string[] Texts(string sql) => StatementSplitter.Split(sql).Select(s => s.Text).ToArray();

    [Fact]
    public void SplitsPlainStatementsAndSkipsEmptyOnes()
    {
        Assert.Equal(["select 1", "select 2"], Texts("select 1;\n;\n  select 2 ;\n\n;"));
    }

    [Fact]
    public void LineNumbersPointAtTheFirstCharacterOfEachStatement()
    {
        var s = StatementSplitter.Split("-- header\n\nselect 1;\n\n/* c */\nselect\n 2;");
        Assert.Equal([3, 6], s.Select(x => x.Line).ToArray());
        Assert.Equal(["select 1", "select\n 2"], s.Select(x => x.Text).ToArray()); // leading comments are not part of a statement
    }

    [Theory]
    [InlineData("select ';' as a; select 2", 2)]
    [InlineData("select 'it''s; fine'; select 2", 2)]
    [InlineData("select E'a\\';b'; select 2", 2)]
    [InlineData("select e'\\\\'; select 2", 2)]
    [InlineData("select \"we;ird\"\"col\" from t; select 2", 2)]
    [InlineData("select 1 -- ; not a split\n; select 2", 2)]
    [InlineData("select /* ; /* nested ; */ still ; comment */ 1; select 2", 2)]
    [InlineData("select $$a;b$$; select 2", 2)]
    [InlineData("select $fn$ $$ ; $$ $fn$; select 2", 2)]
    [InlineData("select $_x1$;$_x1$; select 2", 2)]
    [InlineData("select U&'d\\0061t;a'; select 2", 2)]
    [InlineData("select a$b from t; select 2", 2)]
    public void SemicolonsInsideQuotesAndCommentsDoNotSplit(string sql, int expected)
    {
        Assert.Equal(expected, Texts(sql).Length);
    }

    [Fact]
    public void PositionalParametersAreNotDollarQuotes()
    {
        var s = Texts("prepare p as select $1 + $2; select 2");
        Assert.Equal(2, s.Length);
    }

    [Fact]
    public void DollarQuotedFunctionBodyStaysWhole()
    {
        var sql = """
            create function f() returns trigger language plpgsql as $fn$
            begin
              update t set x = 1; -- inside
              return new;
            end;
            $fn$;
            create trigger tr before insert on t for each row execute function f();
            """;
        var s = StatementSplitter.Split(sql);
        Assert.Equal(2, s.Count);
        Assert.EndsWith("$fn$", s[0].Text);
        Assert.DoesNotContain("update", s[0].Code); // bodies are blanked in Code
    }

    [Fact]
    public void BeginAtomicBodyStaysWholeIncludingCase()
    {
        var sql = """
            create function score(n int) returns int language sql
            begin atomic
              select case when n > 10 then 5 else 1 end;
              select 2;
            end;
            select 3;
            create procedure p() language sql BEGIN /* c */ ATOMIC insert into t values (1); END;
            """;
        var s = Texts(sql);
        Assert.Equal(3, s.Length);
        Assert.EndsWith("end", s[0]);
        Assert.Equal("select 3", s[1]);
        Assert.EndsWith("END", s[2]);
    }

    [Fact]
    public void TransactionBeginIsNotAtomic()
    {
        Assert.Equal(["begin", "select 1", "commit"], Texts("begin; select 1; commit;"));
    }

    [Theory]
    [InlineData("select 1;\n\\i other.sql\nselect 2;", 2)]
    [InlineData("\\set ON_ERROR_STOP on\nselect 1;", 1)]
    [InlineData("select 1;\n   \\c otherdb\n", 2)]
    public void PsqlMetaCommandsAreRejectedWithTheirLine(string sql, int line)
    {
        var ex = Assert.Throws<CrmException>(() => StatementSplitter.Split(sql, "m.sql"));
        Assert.Equal("SplitterPsqlMetaCommand", ex.ErrorId);
        Assert.Contains($"line {line}", ex.Message);
        Assert.Contains("m.sql", ex.Message);
    }

    [Fact]
    public void BackslashInsideStringsIsNotAMetaCommand()
    {
        Assert.Single(Texts("select '\n\\i not a command\n';"));
        Assert.Single(Texts("select $$\n\\i body\n$$;"));
    }

    [Theory]
    [InlineData("select $$ never closed;", "SplitterUnterminatedDollarQuote")]
    [InlineData("select $a$ x $b$;", "SplitterUnterminatedDollarQuote")]
    [InlineData("select 'open;", "SplitterUnterminatedString")]
    [InlineData("select \"open;", "SplitterUnterminatedIdentifier")]
    [InlineData("select /* /* */ 1;", "SplitterUnterminatedComment")]
    [InlineData("create function f() returns int language sql begin atomic select 1;", "SplitterUnterminatedAtomic")]
    public void UnterminatedConstructsAreErrors(string sql, string errorId)
    {
        var ex = Assert.Throws<CrmException>(() => StatementSplitter.Split(sql));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains("line 1", ex.Message);
    }

    [Fact]
    public void CommentOnlyScriptHasNoStatements()
    {
        Assert.Empty(Texts("-- nothing\n/* at all */\n"));
    }

    [Fact]
    public void CodeBlanksStringsButKeepsQuotedIdentifiers()
    {
        var s = StatementSplitter.Split("update \"Odd\".\"T\" set note = 'delete from customers' where id = 1").Single();
        Assert.Contains("\"Odd\".\"T\"", s.Code);
        Assert.DoesNotContain("customers", s.Code);
    }
}

public class TouchedTablesTests
{
    private static string[] Find(string sql) => StatementSplitter.Split(sql).SelectMany(TouchedTables.Find).Distinct().ToArray();

    [Theory]
    [InlineData("alter table if exists only public.customers add column x int", "\"public\".\"customers\"")]
    [InlineData("create unique index concurrently if not exists ix on only customer_profiles (lead_score)", "\"customer_profiles\"")]
    [InlineData("create index on customers (a)", "\"customers\"")]
    [InlineData("create or replace trigger t before insert or update on customer_profiles for each row execute function f()", "\"customer_profiles\"")]
    [InlineData("update customers c set x = 1", "\"customers\"")]
    [InlineData("delete from \"Weird Name\" where true", "\"Weird Name\"")]
    [InlineData("insert into orders (a) values (1) on conflict (a) do update set a = 2", "\"orders\"")]
    [InlineData("truncate table a", "\"a\"")]
    public void FindsTheTable(string sql, string expected)
    {
        Assert.Equal([expected], Find(sql));
    }

    [Fact]
    public void ListsOfTablesAndNoFalsePositives()
    {
        Assert.Equal(["\"a\"", "\"s\".\"b\""], Find("drop table if exists a, s.b cascade"));
        Assert.Equal(["\"x\"", "\"y\""], Find("truncate x, y"));
        Assert.Empty(Find("create table t (id int references customers(id) on update cascade)"));
        Assert.Empty(Find("select 'update customers set x = 1'"));
        Assert.Empty(Find("create function f() returns void language sql as $$ delete from customers $$"));
    }
}
