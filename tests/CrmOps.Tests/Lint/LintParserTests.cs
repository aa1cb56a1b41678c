using CrmOps.Errors;
using CrmOps.Lint;
using CrmOps.Migrations;
using Xunit;

namespace CrmOps.Tests.Lint;

/// <summary>The lint's tokenizer and statement reader: what a rule sees of a statement (no database needed).</summary>
public class LintParserTests
{
    private static LintStatement Parse(string sql) => LintParser.Parse(StatementSplitter.Split(sql).Single());

    [Fact]
    public void TokenizerFoldsWordsKeepsQuotedNamesAndDropsComments()
    {
        var t = SqlLexer.Tokenize("CREATE /* INDEX */ Index \"My Idx\" -- ON x\n ON Public.\"T\"(a)");
        Assert.Equal(["create", "index", "My Idx", "on", "public", ".", "T", "(", "a", ")"], t.Select(x => x.Value).ToArray());
        Assert.Equal(SqlTokenKind.QuotedIdent, t[2].Kind);
        Assert.Equal(SqlTokenKind.Word, t[1].Kind);
    }

    [Theory]
    [InlineData("select 'it''s' , x", "it's")]
    [InlineData("select E'a\\'b' , x", "a'b")]
    [InlineData("select $fn$ CREATE INDEX $x$ $fn$ , x", " CREATE INDEX $x$ ")]
    [InlineData("select 'a'\n'b' , x", "ab")]
    public void StringsOfEveryFormAreOneToken(string sql, string content)
    {
        var t = SqlLexer.Tokenize(sql);
        Assert.Equal(content, t[1].Value);
        Assert.Equal(",", t[2].Value);
    }

    [Fact]
    public void CreateIndexKnowsConcurrentlyUniqueAndTheTable()
    {
        var s = Parse("create unique index concurrently if not exists \"Idx\" on only \"Sales\".orders using btree (id)");
        Assert.Equal(StatementKind.CreateIndex, s.Kind);
        Assert.True(s.Unique && s.Concurrently && s.IfNotExists && s.Only);
        Assert.Equal(new ObjName("Sales", "orders"), s.Target);
        Assert.Equal("Idx", s.IndexName);
    }

    [Fact]
    public void AlterTableSplitsActionsAtTopLevelCommasOnly()
    {
        var s = Parse("ALTER TABLE t ADD COLUMN a numeric(12, 2) DEFAULT round(1.5, 0) NOT NULL, ALTER COLUMN b TYPE varchar(50) USING b::varchar(50), ADD CONSTRAINT c CHECK (a > 0) NOT VALID, RENAME COLUMN d TO e");
        Assert.Equal([AlterActionKind.AddColumn, AlterActionKind.AlterColumnType, AlterActionKind.AddConstraint, AlterActionKind.RenameColumn],
            s.Actions.Select(a => a.Kind).ToArray());
        Assert.Equal("numeric(12, 2)", s.Actions[0].TypeText);
        Assert.True(s.Actions[0].NotNull);
        Assert.Equal(["round", "(", "1.5", ",", "0", ")"], s.Actions[0].DefaultTokens!.Select(x => x.Value).ToArray());
        Assert.Equal("varchar(50)", s.Actions[1].TypeText);
        Assert.True(s.Actions[1].HasUsing);
        Assert.True(s.Actions[2].Constraints.Single().NotValid);
        Assert.Equal(("d", "e"), (s.Actions[3].Column, s.Actions[3].NewName));
    }

    [Fact]
    public void ColumnConstraintsAreReadInAnyOrder()
    {
        var a = Parse("alter table t add column x uuid constraint fk references p (id) on delete set null not null default gen_random_uuid()").Actions.Single();
        Assert.True(a.NotNull);
        Assert.Equal("fk", a.Constraints.Single().Name);
        Assert.Equal(new ObjName(null, "p"), a.Constraints.Single().References);
        Assert.Equal("gen_random_uuid", a.DefaultTokens![0].Value);
    }

    [Fact]
    public void SetSearchPathCountsAsAnOptionButNotInsideABeginAtomicBody()
    {
        Assert.True(Parse("create function f() returns int language sql set search_path = '' as $$ select 1 $$").SetsSearchPath);
        Assert.True(Parse("create function f() returns int language sql as $$ select 1 $$ set search_path from current").SetsSearchPath);
        Assert.False(Parse("create function f() returns void language plpgsql as $$ begin set search_path = public; end $$").SetsSearchPath);
        Assert.False(Parse("create procedure p() language sql begin atomic update t set search_path = 'x'; end").SetsSearchPath);
        Assert.False(Parse("create function f(search_path text) returns text language sql as 'select 1'").SetsSearchPath);
    }

    [Fact]
    public void DoBlocksExposeTheirPlainRevokeAndAlterStatements()
    {
        var s = Parse("do $$ begin if true then revoke all on public.mv from anon; end if; alter table public.t enable row level security; perform 'revoke all on x from y'; end $$");
        Assert.Equal([StatementKind.Revoke, StatementKind.AlterTable], s.Inner.Select(i => i.Kind).ToArray());
        Assert.Equal(new ObjName("public", "mv"), s.Inner[0].Target);
        Assert.Equal(["anon"], s.Inner[0].Roles.ToArray());
    }

    [Fact]
    public void DropReadsEveryNameAndCascade()
    {
        var s = Parse("drop materialized view if exists a, \"B\".c cascade");
        Assert.Equal("MATERIALIZED VIEW", s.ObjectType);
        Assert.Equal([new ObjName(null, "a"), new ObjName("B", "c")], s.Targets.ToArray());
        Assert.True(s.Cascade && s.IfExists);
    }

    [Fact]
    public void GrantAndRevokeReadPrivilegesObjectsAndRoles()
    {
        var g = Parse("grant select (a, b), insert on table public.t, u to anon, \"Authenticated\"");
        Assert.Equal(StatementKind.Grant, g.Kind);
        Assert.Equal(["select", "insert"], g.Privileges.ToArray());
        Assert.Equal([new ObjName("public", "t"), new ObjName(null, "u")], g.Targets.ToArray());
        Assert.Equal(["anon", "Authenticated"], g.Roles.ToArray());
        var r = Parse("revoke all privileges on all tables in schema public, api from public");
        Assert.Equal(["public", "api"], r.AllTablesInSchemas.ToArray());
        Assert.Equal(["public"], r.Roles.ToArray());
    }

    [Theory]
    [InlineData(1043L, 24, 54, true)]    // varchar(20) -> varchar(50)
    [InlineData(1043L, 54, 24, false)]   // varchar(50) -> varchar(20)
    [InlineData(1043L, 54, -1, true)]    // varchar(50) -> varchar
    [InlineData(1043L, -1, 54, false)]   // varchar -> varchar(50)
    [InlineData(1700L, (10 << 16 | 2) + 4, (14 << 16 | 2) + 4, true)]  // numeric(10,2) -> numeric(14,2)
    [InlineData(1700L, (10 << 16 | 2) + 4, (10 << 16 | 3) + 4, false)] // numeric(10,2) -> numeric(10,3)
    [InlineData(1114L, 3, 6, true)]      // timestamp(3) -> timestamp(6)
    [InlineData(1114L, 6, 3, false)]
    [InlineData(1042L, 14, 24, false)]   // char(10) -> char(20): blank padding, rewrite
    public void TypModChangesKeepTheFilesOnlyWherePostgresDropsTheLengthCoercion(long type, int oldMod, int newMod, bool keeps) =>
        Assert.Equal(keeps, TypMod.KeepsFiles(type, oldMod, newMod));

    [Fact]
    public void AllowDirectiveNeedsAKnownRuleAndAReason()
    {
        var d = Directives.Parse("-- crmops:allow ban-drop-column the column was never read\nselect 1;\n", "f.sql");
        Assert.Equal(new LintAllow("ban-drop-column", "the column was never read", 1), d.Allows.Single());
        var noReason = Assert.Throws<CrmException>(() => Directives.Parse("-- crmops:allow ban-drop-column\nselect 1;", "f.sql"));
        Assert.Contains("f.sql:1:", noReason.Message, StringComparison.Ordinal);
        Assert.Contains("needs a reason", noReason.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<CrmException>(() => Directives.Parse("-- crmops:allow drop-it because\nselect 1;", "f.sql"));
        Assert.Contains("unknown lint rule 'drop-it'", unknown.Message, StringComparison.Ordinal);
    }
}
