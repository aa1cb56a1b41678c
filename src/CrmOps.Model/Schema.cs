namespace CrmOps;

/// <summary>The kinds of object a schema snapshot holds and a comparison reports.</summary>
public enum CrmSchemaObjectType
{
    Schema, Extension, Type, Sequence, Table, Column, Constraint, Index, View, MaterializedView, Function, Trigger,
    Policy, RLS, Grant,
}

/// <summary>How an object differs, from the reference to the difference.</summary>
public enum CrmSchemaChange { Added, Removed, Changed }

/// <summary>Where a schema snapshot comes from.</summary>
public enum CrmSchemaSnapshotSource
{
    /// <summary>Read from a database just now.</summary>
    Live,
    /// <summary>Recorded by CrmOps right after a migration ran (or was rolled back) on the database.</summary>
    Migration,
    /// <summary>Recorded by Set-CrmMigrationState -State (a migration marked without running it).</summary>
    Marked,
    /// <summary>Recorded by Set-CrmMigrationState -Baseline (a schema that predates CrmOps' migrations).</summary>
    Baseline,
    /// <summary>Read from a file written by Export-CrmSchemaSnapshot.</summary>
    File,
    /// <summary>A migration set replayed into a throwaway sandbox.</summary>
    Replay,
}

/// <summary>
/// One difference between two schemas. Output of Compare-CrmSchema, input of New-CrmMigration -FromDiff.
/// Reference and Difference hold the property's value on each side (a definition, a type, privileges); Up and Down
/// are the SQL that turns the reference into the difference and back (a TODO comment where PostgreSQL gives no full
/// definition of the object).
/// </summary>
public sealed class CrmSchemaDifference
{
    public CrmSchemaObjectType ObjectType { get; init; }
    /// <summary>Schema-qualified: public.customer_profiles; a column, constraint, trigger or policy as schema.table.name; a function with its argument types; a grant as "object to grantee".</summary>
    public string Name { get; init; } = "";
    public CrmSchemaChange Change { get; init; }
    /// <summary>For Changed: the property that differs (Type, Default, NotNull, Definition, Privileges, Comment...).</summary>
    public string? Property { get; init; }
    public string? Reference { get; init; }
    public string? Difference { get; init; }
    public string Detail { get; init; } = "";
    /// <summary>SQL that turns the reference into the difference for this one difference.</summary>
    public string Up { get; init; } = "";
    /// <summary>SQL that turns the difference back into the reference.</summary>
    public string Down { get; init; } = "";
    /// <summary>What the reference was (a snapshot, a database, a replayed migration set).</summary>
    public string ReferenceSource { get; init; } = "";
    public string DifferenceSource { get; init; } = "";

    /// <summary>The Up and Down statements with the phase and order New-CrmMigration -FromDiff sorts them by.</summary>
    internal IReadOnlyList<CrmSchemaStep> UpSteps { get; init; } = [];
    internal IReadOnlyList<CrmSchemaStep> DownSteps { get; init; } = [];

    public override string ToString() => Property is null ? $"{ObjectType} {Name} {Change}" : $"{ObjectType} {Name} {Change} ({Property})";
}

/// <summary>One statement of a difference's script: the phase orders kinds (drops before creates, tables before indexes), the order objects within a phase.</summary>
internal sealed record CrmSchemaStep(int Phase, long Order, string Sql, bool Todo = false);

/// <summary>
/// A schema snapshot: every object of a database with PostgreSQL's own definitions, compact and serialisable.
/// Output of Get-CrmSchemaSnapshot and Set-CrmMigrationState -Baseline; a reference or difference for Compare-CrmSchema.
/// </summary>
public sealed class CrmSchemaSnapshot
{
    public CrmSchemaSnapshotSource Source { get; init; }
    /// <summary>The database (user@host:port/name), the file or the migration set it describes.</summary>
    public string Origin { get; init; } = "";
    /// <summary>The migration version after which it was recorded (Migration, Marked), or the last one replayed (Replay).</summary>
    public string? Version { get; init; }
    public CrmMigrationDirection? Direction { get; init; }
    public DateTimeOffset TakenAt { get; init; }
    public string? TakenBy { get; init; }
    public string ServerVersion { get; init; } = "";
    /// <summary>Objects in the snapshot (platform-owned ones included).</summary>
    public int Objects { get; init; }
    /// <summary>SHA-256 of the normalised objects without the platform's: equal digests, equal schemas.</summary>
    public string Digest { get; init; } = "";
    /// <summary>The recorded snapshot's id in CrmOps' bookkeeping (Migration, Marked, Baseline).</summary>
    public long? Id { get; init; }

    /// <summary>The parsed objects (a core type), or null until loaded.</summary>
    internal object? Content { get; set; }
    /// <summary>Where to load a recorded snapshot's content from, when Content is null.</summary>
    internal CrmConnection? RecordedIn { get; init; }

    public override string ToString() => $"{Source} snapshot of {Origin}{(Version is null ? "" : " at " + Version)} ({Objects} objects, {TakenAt:u})";
}
