using Dapper;
using RunHub.Data;

namespace RunHub.Tests.Data;

public sealed class GroupCommitTests
{
    [Theory, SqliteStore, PostgresStore]
    public async Task Concurrent_operations_all_commit_and_one_that_throws_fails_alone(StoreKind kind)
    {
        using var store = new TestStore(kind);
        var database = store.Database;
        using (var db = database.Open()) db.Execute("CREATE TABLE items (n INTEGER PRIMARY KEY)");
        await using var commits = new GroupCommit(database);

        var writes = Enumerable.Range(1, 200).Select(n => Task.Run(() => commits.RunAsync(async (db, tx) =>
        {
            await db.ExecuteAsync("INSERT INTO items (n) VALUES (@n)", new { n }, tx);
            if (n == 77) throw new InvalidOperationException("operation 77 refuses");
            return n;
        }))).ToList();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[76]);
        Assert.Equal("operation 77 refuses", failure.Message);
        foreach (var write in writes.Where((_, i) => i != 76)) await write;

        using var check = database.Open();
        Assert.Equal(199, check.ExecuteScalar<long>("SELECT count(*) FROM items"));
        Assert.Equal(0, check.ExecuteScalar<long>("SELECT count(*) FROM items WHERE n = 77"));
    }
}
