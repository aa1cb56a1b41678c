using CrmOps.Schema;
using Xunit;

namespace CrmOps.Tests.Schema;

public sealed class SqlNormalizerTests
{
    [Theory]
    [InlineData("SELECT a,b FROM t", "select a, b\n  from   t ;")]
    [InlineData("select f( x ) -- why\n", "SELECT f(x)")]
    [InlineData("select /* a /* nested */ comment */ 1", "select 1")]
    [InlineData("begin\r\n  x := 1;\r\nend", "BEGIN x:=1; END")]
    [InlineData("where a = 1", "where a=1")]
    public void CosmeticDifferencesDisappear(string a, string b) =>
        Assert.Equal(SqlNormalizer.NormalizeSql(a), SqlNormalizer.NormalizeSql(b));

    [Theory]
    [InlineData("select 'A  b'", "select 'a b'")]
    [InlineData("select \"Name\"", "select \"name\"")]
    [InlineData("select 'it''s -- not a comment'", "select 'it''s'")]
    [InlineData("select E'a\\'  b'", "select E'a\\' b'")]
    [InlineData("interval '30 days'", "interval '31 days'")]
    [InlineData("select a - -1", "select a --1")]
    public void RealDifferencesStay(string a, string b) =>
        Assert.NotEqual(SqlNormalizer.NormalizeSql(a), SqlNormalizer.NormalizeSql(b));

    [Fact]
    public void CommentsAreComparedAsWrittenButForLineEndsAndEdges()
    {
        Assert.Equal(SqlNormalizer.Normalize("Comment", " People\r\nwe know "), SqlNormalizer.Normalize("Comment", "People\nwe know"));
        Assert.NotEqual(SqlNormalizer.Normalize("Comment", "People"), SqlNormalizer.Normalize("Comment", "people"));
    }
}
