using System.Text;
using Dapper;
using RunHub.Data;

namespace RunHub.Tasks;

/// <summary>
/// Lists tasks newest first, a page at a time, for <c>GET /openapi/v2/tasks</c>, <c>runhub tasks</c> and the console.
/// Paging is by cursor (the last task id of the page), never by offset, and dates become id bounds (ids are
/// time-ordered), so each page reads index ranges (<c>tasks_account</c> by status, <c>tasks_account_endpoint</c> by
/// model) however many tasks an account has: an account's page with neither filter reads at most a page from each
/// status's range of <c>tasks_account</c> and keeps the newest, so a submit writes no index of its own for it.
/// </summary>
public sealed class TaskListing(Database database)
{
    /// <summary>The largest page; also the default of the console.</summary>
    public const int MaxPageSize = 100;

    /// <summary>
    /// One page of tasks, newest first: of one account, or of every account when <paramref name="accountId"/> is
    /// null (operators only). <see cref="TaskPage.NextCursor"/> is null on the last page.
    /// </summary>
    /// <param name="limit">Tasks per page, 1 to <see cref="MaxPageSize"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="limit"/> is out of range.</exception>
    public async Task<TaskPage> ListAsync(string? accountId, TaskFilter filter, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var (sql, parameters) = Query(accountId, filter, limit);

        await using var db = await database.OpenAsync(cancellationToken);
        var rows = (await db.QueryAsync<TaskRecord>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new TaskPage(rows, more ? rows[^1].Id : null);
    }

    /// <summary>
    /// The statement of <see cref="ListAsync"/> and its parameters: up to <paramref name="limit"/> + 1 tasks (the one
    /// past the page says there is another), newest first.
    /// </summary>
    internal static (string Sql, DynamicParameters Parameters) Query(string? accountId, TaskFilter filter, int limit)
    {
        var where = new StringBuilder("WHERE 1 = 1");
        var parameters = new DynamicParameters();
        if (accountId is not null) Add(where, parameters, "account_id = @accountId", "accountId", accountId);
        if (filter.Endpoint is { Length: > 0 } endpoint) Add(where, parameters, "endpoint = @endpoint", "endpoint", endpoint);
        if (filter.Status is { Length: > 0 } status) Add(where, parameters, "status = @status", "status", status);
        if (accountId is null && filter.Status == TaskStatuses.Queued) where.Append(" AND ").Append(TaskQueue.OfWaitingAccounts);
        if (filter.Since is { } since && TaskIdGenerator.FirstIdAt(since.ToUnixTimeMilliseconds()) is { } low)
            Add(where, parameters, "id >= @low", "low", low);
        if (filter.Before is { } before)
            Add(where, parameters, "id < @high", "high", TaskIdGenerator.FirstIdAt(before.ToUnixTimeMilliseconds()) ?? EraBound(before));
        if (filter.Cursor is { Length: > 0 } cursor) Add(where, parameters, "id < @cursor", "cursor", cursor);
        parameters.Add("take", limit + 1);
        var sql = accountId is not null && filter.Endpoint is not { Length: > 0 } && filter.Status is not { Length: > 0 }
            ? ByStatus(where.ToString())
            : $"SELECT {TaskQueue.RecordColumns} FROM tasks {where} ORDER BY id DESC LIMIT @take";
        return (sql, parameters);
    }

    /// <summary>
    /// One task by id: only of <paramref name="accountId"/>, or of any account when it is null (operators only, in the
    /// console). Null when there is no such task (or it is another account's).
    /// </summary>
    public async Task<TaskRecord?> FindAsync(string? accountId, string taskId)
    {
        await using var db = await database.OpenAsync();
        return await db.QuerySingleOrDefaultAsync<TaskRecord>(
            $"SELECT {TaskQueue.RecordColumns} FROM tasks WHERE id = @taskId AND (@accountId IS NULL OR account_id = @accountId)",
            new { taskId, accountId });
    }

    /// <summary>
    /// One account's newest tasks of every status: the newest page of each status (a range of <c>tasks_account</c>,
    /// <c>(account_id, status, id)</c>), merged and cut to a page. The statuses are constants of <see cref="TaskStatuses.All"/>.
    /// </summary>
    internal static string ByStatus(string where) =>
        string.Join(" UNION ALL ", TaskStatuses.All.Select((status, i) =>
            $"SELECT * FROM (SELECT {TaskQueue.RecordColumns} FROM tasks {where} AND status = '{status}' ORDER BY id DESC LIMIT @take) AS s{i}"))
        + " ORDER BY id DESC LIMIT @take";

    private static void Add(StringBuilder where, DynamicParameters parameters, string condition, string name, object value)
    {
        where.Append(" AND ").Append(condition);
        parameters.Add(name, value);
    }

    // A time before the first 19-digit id bounds nothing from above but everything; one after the era bounds nothing.
    private static string EraBound(DateTimeOffset before) =>
        before.Year < 2030 ? "1000000000000000000" : "9999999999999999999";
}

/// <summary>What to list: any part left null is not filtered on.</summary>
/// <param name="Endpoint">The model's endpoint, exactly.</param>
/// <param name="Status">One of <see cref="TaskStatuses"/>.</param>
/// <param name="Since">Tasks created at or after this time.</param>
/// <param name="Before">Tasks created before this time.</param>
/// <param name="Cursor">The <see cref="TaskPage.NextCursor"/> of the page before.</param>
public sealed record TaskFilter(string? Endpoint = null, string? Status = null, DateTimeOffset? Since = null,
    DateTimeOffset? Before = null, string? Cursor = null);

/// <summary>A page of tasks, newest first, and the cursor of the next page (null when this is the last).</summary>
public sealed record TaskPage(IReadOnlyList<TaskRecord> Tasks, string? NextCursor);
