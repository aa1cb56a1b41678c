// Temporary stand-in until the sample data generator lands (issue 3): schema only.
using Npgsql;
namespace CrmOps.Sandbox;
public static class SampleDataDefaults { public const int DefaultCustomers = 9369; public const int DefaultSeed = 20251015; }
internal static class SampleDataLoader
{
    public static void CreateSchema(NpgsqlConnection conn) { }
    public static (long Customers, long Orders) Load(NpgsqlConnection conn, int customers, int seed, Action<string, int>? progress) => (0, 0);
}
