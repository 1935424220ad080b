using Dapper;
using RunHub.Data;

namespace RunHub.Tasks;

/// <summary>
/// How many of an account's tasks are waiting and running, on every node: the counts kept in <c>account_queues</c> in the
/// transaction of every change (by the submit's own statement and the tasks table's triggers; the same figures the
/// running and queued limits read).
/// </summary>
public sealed class TaskCounts(Database database)
{
    public sealed record Active(long Queued, long Running)
    {
        public long Total => Queued + Running;
    }

    public async Task<Active> ActiveAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        var rows = await db.QueryAsync<(long Queued, long Running)>(new CommandDefinition(
            "SELECT queued, running FROM account_queues WHERE account_id = @accountId", new { accountId }, cancellationToken: cancellationToken));
        var (queued, running) = rows.FirstOrDefault();
        return new Active(queued, running);
    }
}
