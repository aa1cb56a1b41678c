namespace CrmOps.Schema;

/// <summary>
/// One object of a schema snapshot: its kind and schema-qualified name, the object it belongs to (a column's table, a
/// grant's object), PostgreSQL's own definitions of it (<see cref="Props"/>, compared) and facts the SQL generator needs
/// (<see cref="Info"/>: quoted names, not compared).
/// </summary>
public sealed class SchemaObject
{
    public CrmSchemaObjectType Type { get; init; }
    public string Name { get; init; } = "";
    /// <summary>The PostgreSQL schema it lives in.</summary>
    public string Schema { get; init; } = "";
    /// <summary>"Kind:name" of the object it belongs to (a column's table, an index's table, a grant's object), or null.</summary>
    public string? Parent { get; init; }
    /// <summary>Creation order in its database (the oid): creates run in this order, drops in reverse.</summary>
    public long Order { get; init; }
    /// <summary>Owned by the platform: Supabase's managed schemas, an extension's members, CrmOps' bookkeeping.</summary>
    public bool Platform { get; set; }
    /// <summary>Compared properties (absent: none).</summary>
    public IReadOnlyDictionary<string, string> Props { get; init; } = new Dictionary<string, string>();
    /// <summary>Not compared: quoted names and facts for generating SQL.</summary>
    public IReadOnlyDictionary<string, string> Info { get; init; } = new Dictionary<string, string>();

    /// <summary>"Kind:name", unique in a snapshot (computed once: comparisons look it up for every object).</summary>
    public string Key => _key ??= KeyOf(Type, Name);
    private string? _key;
    public static string KeyOf(CrmSchemaObjectType type, string name) => type + ":" + name;

    public string? Prop(string key) => Props.TryGetValue(key, out var v) ? v : null;
    public string? Fact(string key) => Info.TryGetValue(key, out var v) ? v : null;

    /// <summary>The quoted name (Info "Q"), for SQL.</summary>
    public string Q => Fact("Q") ?? Name;

    public override string ToString() => $"{Type} {Name}";
}
