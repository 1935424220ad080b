using Dapper;
using RunHub.Data;

namespace RunHub.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public void The_PostgreSQL_schema_mirrors_every_SQLite_step() =>
        Assert.Equal(SqliteSchema.StepCount, PostgresSchema.StepCount);

    [Theory, SqliteStore, PostgresStore]
    public async Task Nodes_starting_at_once_on_an_empty_database_apply_each_step_once(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var nodes = await AtOnce.RunAsync(6, _ => store.OpenNode());

        using var db = nodes[0].Open();
        var versions = db.Query<long>("SELECT version FROM schema_version ORDER BY version").ToList();
        Assert.Equal(Enumerable.Range(1, SqliteSchema.StepCount).Select(v => (long)v), versions);
        // Every node can use what the others created.
        foreach (var node in nodes)
        {
            using var connection = node.Open();
            Assert.Equal(0, connection.ExecuteScalar<long>("SELECT count(*) FROM tasks"));
        }
    }
}
