using RunHub.Bench.Stores;

namespace RunHub.Bench.Load;

/// <summary>A task's life as the server recorded it in the tasks table (Unix milliseconds).</summary>
internal sealed record TaskTimes(string Id, string Status, long CreatedAt, long? StartedAt, long? FinishedAt)
{
    /// <summary>Commit of the submit to a worker claiming it: the queue's pickup latency.</summary>
    public long? Pickup => StartedAt - CreatedAt;

    /// <summary>Claim to outcome: input fetch, engine, result storage and the finishing transaction.</summary>
    public long? Run => FinishedAt - StartedAt;

    /// <summary>Reads the given tasks from the server's database, after the run.</summary>
    public static async Task<IReadOnlyList<TaskTimes>> ReadAsync(BenchDatabase database, IReadOnlyCollection<string> ids)
    {
        var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
        await using var db = await database.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT id, status, created_at, started_at, finished_at FROM tasks";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<TaskTimes>();
        while (await reader.ReadAsync())
        {
            var id = reader.GetString(0);
            if (!wanted.Contains(id)) continue;
            rows.Add(new TaskTimes(id, reader.GetString(1), reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4)));
        }
        return rows;
    }

    /// <summary>Rows of a status, counted with a single read.</summary>
    public static async Task<long> CountAsync(BenchDatabase database, string status)
    {
        await using var db = await database.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT count(*) FROM tasks WHERE status = @status";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "status";
        parameter.Value = status;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
