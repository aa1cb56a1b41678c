namespace CrmOps.Schema;

/// <summary>
/// Compares two snapshots: one <see cref="CrmSchemaDifference"/> per object only on one side, and per property whose
/// normalised values differ. An object that belongs to an added or removed one (a new table's columns, indexes and
/// grants) is part of that difference, not reported on its own. Each difference carries the SQL both ways.
/// </summary>
public static class SchemaComparer
{
    private static readonly CrmSchemaObjectType[] Rank = Enum.GetValues<CrmSchemaObjectType>();

    public static IReadOnlyList<CrmSchemaDifference> Compare(SchemaSnapshot reference, SchemaSnapshot difference,
        string referenceSource = "reference", string differenceSource = "difference", bool includePlatform = false)
    {
        var a = reference.Filter(includePlatform);
        var b = difference.Filter(includePlatform);
        var result = new List<CrmSchemaDifference>();

        // Views and materialized views that a change must drop and create again (a materialized view's query, or a
        // view's columns): what belongs to them goes with them.
        var recreated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in b.Objects)
        {
            if (o.Type is not (CrmSchemaObjectType.View or CrmSchemaObjectType.MaterializedView)) continue;
            if (!a.ByKey.TryGetValue(o.Key, out var old)) continue;
            if (Same("Definition", old.Prop("Definition"), o.Prop("Definition"))) continue;
            if (o.Type == CrmSchemaObjectType.MaterializedView || old.Fact("Columns") != o.Fact("Columns")) recreated.Add(o.Key);
        }

        foreach (var o in b.Objects)
        {
            if (a.ByKey.ContainsKey(o.Key)) continue;
            if (HasAncestor(o, b, k => !a.ByKey.ContainsKey(k))) continue; // part of a new parent
            var inRecreated = HasAncestor(o, b, recreated.Contains);
            result.Add(Make(o, CrmSchemaChange.Added, null, null, Show(o), $"{Describe(o)} is only in the difference.",
                inRecreated ? Recreated(o, b, recreated) : SchemaScript.Create(o, b, withChildren: true),
                inRecreated ? Recreated(o, b, recreated) : SchemaScript.Drop(o), referenceSource, differenceSource));
        }
        foreach (var o in a.Objects)
        {
            if (b.ByKey.ContainsKey(o.Key)) continue;
            if (HasAncestor(o, a, k => !b.ByKey.ContainsKey(k))) continue;
            var inRecreated = HasAncestor(o, a, recreated.Contains);
            result.Add(Make(o, CrmSchemaChange.Removed, null, Show(o), null, $"{Describe(o)} is only in the reference.",
                inRecreated ? Recreated(o, a, recreated) : SchemaScript.Drop(o),
                inRecreated ? Recreated(o, a, recreated) : SchemaScript.Create(o, a, withChildren: true), referenceSource, differenceSource));
        }
        foreach (var o in b.Objects)
        {
            if (!a.ByKey.TryGetValue(o.Key, out var old)) continue;
            if (SameProps(old, o)) continue; // the common case, without normalising anything
            var isRecreated = recreated.Contains(o.Key);
            var inRecreated = !isRecreated && HasAncestor(o, b, recreated.Contains);
            foreach (var prop in old.Props.Keys.Union(o.Props.Keys).Order(StringComparer.Ordinal))
            {
                var before = old.Prop(prop);
                var after = o.Prop(prop);
                if (Same(prop, before, after)) continue;
                List<CrmSchemaStep> up, down;
                if (isRecreated && prop == "Definition")
                {
                    up = [.. SchemaScript.Drop(old), .. SchemaScript.Create(o, b, withChildren: true)];
                    down = [.. SchemaScript.Drop(o), .. SchemaScript.Create(old, a, withChildren: true)];
                }
                else if (isRecreated || inRecreated)
                {
                    up = down = Recreated(o, b, recreated);
                }
                else
                {
                    up = SchemaScript.Alter(old, o, prop, b);
                    down = SchemaScript.Alter(o, old, prop, a);
                }
                result.Add(Make(o, CrmSchemaChange.Changed, prop, before, after, ChangeDetail(o, prop, before, after),
                    up, down, referenceSource, differenceSource));
            }
        }
        return result
            .OrderBy(d => Array.IndexOf(Rank, d.ObjectType))
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .ThenBy(d => d.Property, StringComparer.Ordinal)
            .ToList();
    }

    public static bool Same(string prop, string? a, string? b) =>
        string.Equals(a, b, StringComparison.Ordinal) ||
        string.Equals(SqlNormalizer.Normalize(prop, a), SqlNormalizer.Normalize(prop, b), StringComparison.Ordinal);

    /// <summary>True when both objects have exactly the same properties and values (no normalising needed).</summary>
    private static bool SameProps(SchemaObject a, SchemaObject b)
    {
        if (a.Props.Count != b.Props.Count) return false;
        foreach (var (k, v) in a.Props)
            if (!b.Props.TryGetValue(k, out var w) || !string.Equals(v, w, StringComparison.Ordinal)) return false;
        return true;
    }

    /// <summary>True when an object <paramref name="o"/> belongs to (directly or not) satisfies <paramref name="test"/>.</summary>
    private static bool HasAncestor(SchemaObject o, SchemaSnapshot s, Func<string, bool> test)
    {
        var current = o;
        for (var depth = 0; depth < 5 && current.Parent != null; depth++)
        {
            if (test(current.Parent)) return s.ByKey.ContainsKey(current.Parent);
            current = s.ParentOf(current);
            if (current == null) return false;
        }
        return false;
    }

    private static List<CrmSchemaStep> Recreated(SchemaObject o, SchemaSnapshot s, HashSet<string> recreated)
    {
        var owner = o;
        while (owner.Parent != null && !recreated.Contains(owner.Key) && s.ParentOf(owner) is { } p) owner = p;
        return [new CrmSchemaStep(SchemaScript.Comment, o.Order, $"-- {SchemaScript.Label(o.Type)} {o.Name}: comes with {SchemaScript.Label(owner.Type)} {owner.Name}, which is dropped and created again.")];
    }

    private static CrmSchemaDifference Make(SchemaObject o, CrmSchemaChange change, string? prop, string? reference, string? difference,
        string detail, List<CrmSchemaStep> up, List<CrmSchemaStep> down, string referenceSource, string differenceSource) => new()
    {
        ObjectType = o.Type,
        Name = o.Name,
        Change = change,
        Property = prop,
        Reference = reference,
        Difference = difference,
        Detail = detail,
        UpSteps = up,
        DownSteps = down,
        Up = Render(up),
        Down = Render(down),
        ReferenceSource = referenceSource,
        DifferenceSource = differenceSource,
    };

    /// <summary>Steps in the order a migration runs them: by phase, then creation order (drops carry a negative order).</summary>
    internal static IEnumerable<CrmSchemaStep> Ordered(IEnumerable<CrmSchemaStep> steps) =>
        steps.Select((s, i) => (s, i)).OrderBy(x => x.s.Phase).ThenBy(x => x.s.Order).ThenBy(x => x.i).Select(x => x.s);

    private static string Render(IEnumerable<CrmSchemaStep> steps) => string.Join("\n", Ordered(steps).Select(s => s.Sql));

    /// <summary>The object in one line: its kind, name and what defines it most ("column public.t.notes text").</summary>
    private static string Describe(SchemaObject o) => $"{Capital(SchemaScript.Label(o.Type))} {o.Name}" + (Show(o) is { Length: > 0 and <= 80 } s ? $" ({s})" : "");

    /// <summary>The value a whole added or removed object is shown by.</summary>
    private static string? Show(SchemaObject o) => o.Type switch
    {
        CrmSchemaObjectType.Column => SchemaScript.ColumnDefinition(o)[(o.Q.Length + 1)..],
        CrmSchemaObjectType.Grant => o.Prop("Privileges"),
        CrmSchemaObjectType.Extension => o.Prop("Version"),
        CrmSchemaObjectType.Sequence => o.Prop("DataType"),
        CrmSchemaObjectType.Schema or CrmSchemaObjectType.Table => o.Prop("Comment"),
        CrmSchemaObjectType.Type => o.Prop("Kind") switch { "enum" => o.Prop("Labels"), "domain" => o.Prop("BaseType"), _ => o.Prop("Kind") },
        CrmSchemaObjectType.RLS => o.Prop("Forced") ?? "enabled",
        CrmSchemaObjectType.Policy => $"{o.Prop("Permissive")} FOR {o.Prop("Command")} TO {o.Prop("Roles")}",
        _ => o.Prop("Definition"),
    };

    private static string ChangeDetail(SchemaObject o, string prop, string? before, string? after)
    {
        var what = $"{Capital(SchemaScript.Label(o.Type))} {o.Name}";
        static string V(string? v) => v == null ? "(none)" : v.Length <= 60 && !v.Contains('\n', StringComparison.Ordinal) ? v : "";
        var (x, y) = (V(before), V(after));
        return x.Length > 0 && y.Length > 0
            ? $"{what}: {prop} is {x} in the reference, {y} in the difference."
            : $"{what}: {prop} differs (see Reference and Difference).";
    }

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
