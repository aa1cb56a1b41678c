using CrmOps.Migrations;
using Xunit;

namespace CrmOps.Tests.Migrations;

/// <summary>
/// The Supabase CLI's splitter as ported (apps/cli-go/pkg/parser): cases written from its state table (state.go) and
/// SplitAndTrim (token.go:115): comments stay with the statement they precede, a trailing ';' and whitespace go.
/// </summary>
public class CliStatementSplitterTests
{
    private static string[] Split(string sql) => CliStatementSplitter.SplitAndTrim(sql).ToArray();

    [Fact]
    public void KeepsCommentsWithTheStatementTheyPrecedeAndTrimsTheSemicolon()
    {
        Assert.Equal(["-- header\n-- crmops:require-rows t >= 1\n\ncreate table t (id int)", "insert into t values (1)", "-- trailing"],
            Split("-- header\n-- crmops:require-rows t >= 1\n\ncreate table t (id int);\n\ninsert into t values (1) ;\n-- trailing\n"));
    }

    [Fact]
    public void DropsEmptyStatements() => Assert.Equal(["select 1"], Split(";;\n select 1;;  ;\n"));

    [Theory]
    [InlineData("select ';'; select 2", 2)]          // quotes
    [InlineData("select 'a''b;c'; select 2", 2)]     // a doubled quote stays inside
    [InlineData("select \"a;b\" from t; select 2", 2)]
    [InlineData("select $$a;b$$; select 2", 2)]      // dollar quotes
    [InlineData("select $fn$a;$$;b$fn$; select 2", 2)]
    [InlineData("select 1 -- a; b\n; select 2", 2)]  // a line comment hides ';'
    [InlineData("select /* a; /* b; */ c; */ 1; select 2", 2)] // nested block comments
    [InlineData("select f(a; b); select 2", 2)]      // ';' inside parentheses does not split
    [InlineData("create function f() returns int language sql begin atomic select 1; select 2; end; select 3", 2)]
    [InlineData("select \\; select 2", 1)]           // '\' escapes the next character outside quotes
    public void SplitsOnlyOnTopLevelSemicolons(string sql, int count) => Assert.Equal(count, Split(sql).Length);

    [Fact]
    public void QuirksOfTheCliAreKept()
    {
        // A word ending in "end" closes a BEGIN ATOMIC body (state.go:197 compares the last three characters).
        Assert.Equal(4, Split("create function f() returns int language sql begin atomic select 'x' as append; select 2; end; select 3").Length);
        // The first ')' closes every enclosing parenthesis (state.go:202): the next ';' splits.
        Assert.Equal(2, Split("select ((1); 2)").Length);
    }

    [Fact]
    public void KeepsTheBytesAsRead()
    {
        Assert.Equal(["\uFEFFselect 1", "select 2"], Split("\uFEFFselect 1;\r\nselect 2;\r\n"));
    }

    [Fact]
    public void TheCanonicalTextIgnoresCommentsWhitespaceAndHowStatementsWereSplit()
    {
        var file = CliStatementSplitter.Canonical(Split("-- header\ncreate table t (\n  id int -- key\n);\n\ncreate index i on t (id);\n-- end\n"));
        // `supabase migration fetch` rebuilds the file as statements joined by ";\n" (fetch.go:38).
        var fetched = CliStatementSplitter.Canonical(Split(string.Join(";\n", Split("-- header\ncreate table t (\n  id int -- key\n);\n\ncreate index i on t (id);\n-- end\n")) + ";\n"));
        // The dashboard stores a migration as one statement.
        var dashboard = CliStatementSplitter.Canonical(["create table t (id int); create index i on t (id);"]);
        Assert.Equal("create table t ( id int );\ncreate index i on t (id)", file);
        Assert.Equal(file, fetched);
        Assert.Equal(file.Replace("( id int )", "(id int)", StringComparison.Ordinal), dashboard);
        // What is inside literals counts.
        Assert.NotEqual(CliStatementSplitter.Canonical(["select 'a  b'"]), CliStatementSplitter.Canonical(["select 'a b'"]));
        Assert.NotEqual(CliStatementSplitter.Canonical(["select $$a  b$$"]), CliStatementSplitter.Canonical(["select $$a b$$"]));
        // Line endings do not.
        Assert.Equal(CliStatementSplitter.Canonical(["select 'a\r\nb'"]), CliStatementSplitter.Canonical(["select 'a\nb'"]));
    }
}
