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

    [Theory, SqliteStore, PostgresStore]
    public void A_database_whose_schema_is_newer_than_this_program_is_refused_by_name(StoreKind kind)
    {
        using var store = new TestStore(kind);
        using (var db = store.Database.Open())
            db.Execute("INSERT INTO schema_version (version) VALUES (@next)", new { next = (long)SqliteSchema.StepCount + 1 });

        var refused = Assert.Throws<StoreUnavailableException>(() => store.OpenNode());

        Assert.Contains($"the database schema is at step {SqliteSchema.StepCount + 1}, newer than this program knows ({SqliteSchema.StepCount})",
            refused.Message);
    }
}
