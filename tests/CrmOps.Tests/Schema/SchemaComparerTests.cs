using CrmOps.Schema;
using Xunit;

namespace CrmOps.Tests.Schema;

/// <summary>The comparer and the SQL it writes, on hand-made snapshots (no server).</summary>
public sealed class SchemaComparerTests
{
    private static SchemaObject Obj(CrmSchemaObjectType type, string name, string? parent = null, long order = 1,
        Dictionary<string, string>? props = null, Dictionary<string, string>? info = null) => new()
    {
        Type = type, Name = name, Schema = name.Split('.')[0], Parent = parent, Order = order,
        Props = props ?? [], Info = info ?? new Dictionary<string, string> { ["Q"] = name },
    };

    private static SchemaObject Table(string name, long order) => Obj(CrmSchemaObjectType.Table, name, order: order);

    private static SchemaObject Column(string table, string column, string type, long order, string? @default = null)
    {
        var props = new Dictionary<string, string> { ["Type"] = type };
        if (@default != null) props["Default"] = @default;
        return Obj(CrmSchemaObjectType.Column, $"{table}.{column}", "Table:" + table, order, props,
            new Dictionary<string, string> { ["Q"] = column, ["QTable"] = table, ["Position"] = order.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    private static SchemaObject Grant(string on, string grantee, string privileges, long order) =>
        Obj(CrmSchemaObjectType.Grant, $"{on} to {grantee}", "Table:" + on, order, new() { ["Privileges"] = privileges },
            new() { ["On"] = "TABLE " + on, ["Grantee"] = grantee });

    [Fact]
    public void ANewTableIsOneDifferenceThatCarriesItsColumnsAndGrants()
    {
        var a = new SchemaSnapshot([Table("public.t", 1), Column("public.t", "id", "integer", 2)]);
        var b = new SchemaSnapshot([Table("public.t", 1), Column("public.t", "id", "integer", 2),
            Table("public.n", 10), Column("public.n", "id", "bigint", 11), Column("public.n", "body", "text", 12), Grant("public.n", "anon", "SELECT", 13)]);
        var d = Assert.Single(SchemaComparer.Compare(a, b));
        Assert.Equal(CrmSchemaObjectType.Table, d.ObjectType);
        Assert.Equal(CrmSchemaChange.Added, d.Change);
        Assert.Equal("CREATE TABLE public.n (\n    id bigint,\n    body text\n);\nGRANT SELECT ON TABLE public.n TO anon;", d.Up);
        Assert.Equal("DROP TABLE public.n;", d.Down);
    }

    [Fact]
    public void PrivilegesChangeByGrantAndRevoke()
    {
        var a = new SchemaSnapshot([Table("public.t", 1), Grant("public.t", "anon", "INSERT, SELECT", 2)]);
        var b = new SchemaSnapshot([Table("public.t", 1), Grant("public.t", "anon", "SELECT WITH GRANT OPTION, UPDATE", 2)]);
        var d = Assert.Single(SchemaComparer.Compare(a, b));
        Assert.Equal("Privileges", d.Property);
        Assert.Equal("REVOKE INSERT ON TABLE public.t FROM anon;\nGRANT UPDATE ON TABLE public.t TO anon;\nGRANT SELECT ON TABLE public.t TO anon WITH GRANT OPTION;", d.Up);
        Assert.Equal("REVOKE UPDATE ON TABLE public.t FROM anon;\nREVOKE GRANT OPTION FOR SELECT ON TABLE public.t FROM anon;\nGRANT INSERT ON TABLE public.t TO anon;", d.Down);
    }

    [Fact]
    public void ADefaultDroppedComesBeforeWhatItUsedIsDroppedAndSetAfterColumnsExist()
    {
        var a = new SchemaSnapshot([Table("public.t", 1), Column("public.t", "id", "integer", 2, "nextval('public.s'::regclass)")]);
        var b = new SchemaSnapshot([Table("public.t", 1), Column("public.t", "id", "integer", 2)]);
        var d = Assert.Single(SchemaComparer.Compare(a, b));
        Assert.Equal("Default", d.Property);
        Assert.Equal("ALTER TABLE public.t ALTER COLUMN id DROP DEFAULT;", d.Up);
        Assert.Equal("ALTER TABLE public.t ALTER COLUMN id SET DEFAULT nextval('public.s'::regclass);", d.Down);
        Assert.True(d.UpSteps[0].Phase < SchemaScript.DropSequence);
        Assert.True(d.DownSteps[0].Phase > SchemaScript.AddColumn);
    }

    [Fact]
    public void PlatformObjectsCountOnlyWhenIncluded()
    {
        var a = new SchemaSnapshot([Table("public.t", 1)]);
        var platform = Table("auth.users", 2);
        platform.Platform = true;
        var b = new SchemaSnapshot([Table("public.t", 1), platform]);
        Assert.Empty(SchemaComparer.Compare(a, b));
        Assert.Single(SchemaComparer.Compare(a, b, includePlatform: true));
    }

    [Fact]
    public void TheSerialisedFormReadsBackToTheSameDigest()
    {
        var s = new SchemaSnapshot([Table("public.t", 1), Column("public.t", "id", "integer", 2, "0"), Grant("public.t", "anon", "SELECT", 3)]) { ServerVersion = "15.8" };
        foreach (var bytes in new[] { s.ToJson(), s.ToCompressed() })
        {
            var back = SchemaSnapshot.FromBytes(bytes, "test");
            Assert.Equal(s.Digest(), back.Digest());
            Assert.Equal(3, back.Objects.Count);
            Assert.Empty(SchemaComparer.Compare(s, back));
        }
        var e = Assert.Throws<CrmOps.Errors.CrmException>(() => SchemaSnapshot.FromBytes("{\"format\": 99}"u8.ToArray(), "'x.json'"));
        Assert.Equal("SchemaSnapshotInvalid", e.ErrorId);
    }
}
