using Dapper;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Data;

public sealed class SqliteDatabaseTests
{
    [Fact]
    public void Every_opened_connection_waits_on_a_busy_database_and_enforces_references()
    {
        using var data = new TempDirectory();
        var database = new SqliteDatabase(data.Path);
        for (var i = 0; i < 50; i++)
        {
            using var connection = database.Open();
            Assert.Equal(30000, connection.ExecuteScalar<long>("PRAGMA busy_timeout"));
            Assert.Equal(1, connection.ExecuteScalar<long>("PRAGMA foreign_keys"));
            Assert.Equal("wal", connection.ExecuteScalar<string>("PRAGMA journal_mode"));
        }
    }
}
