using Dapper;
using RunHub.Data;

namespace RunHub.Tasks;

/// <summary>How many of an account's tasks are waiting and running, read from the tasks table (every node's tasks).</summary>
public sealed class TaskCounts(Database database)
{
    public sealed record Active(long Queued, long Running)
    {
        public long Total => Queued + Running;
    }

    public async Task<Active> ActiveAsync(string accountId, CancellationToken cancellationToken)
    {
        await using var db = database.Open();
        var rows = await db.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status, count(*) FROM tasks WHERE account_id = @accountId AND status IN ('QUEUED', 'RUNNING') GROUP BY status",
            new { accountId }, cancellationToken: cancellationToken));
        var counts = rows.ToDictionary(r => r.Status, r => r.Count, StringComparer.Ordinal);
        return new Active(counts.GetValueOrDefault(TaskStatuses.Queued), counts.GetValueOrDefault(TaskStatuses.Running));
    }
}
