using System.Reflection;
using Xunit.Sdk;

namespace RunHub.Tests.Data;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Runs a theory once on each store: <c>[Theory, BothStores]</c>. The PostgreSQL case is skipped (or fails) like
/// a <see cref="PostgresFactAttribute"/>; it is a data attribute of its own so only that case is skipped.
/// </summary>
public sealed class SqliteStoreAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreKind.Sqlite]];
}

/// <inheritdoc cref="SqliteStoreAttribute"/>
public sealed class PostgresStoreAttribute : DataAttribute
{
    public PostgresStoreAttribute() => Skip = TestServices.PostgresSkipReason!;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreKind.Postgres]];
}
