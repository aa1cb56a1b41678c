using Npgsql;

namespace CrmOps.Connections;

/// <summary>Nullable columns read the one way every reader-to-object mapping of the core uses.</summary>
internal static class ReaderExtensions
{
    public static string? StringOrNull(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static T? ValueOrNull<T>(this NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);
}
