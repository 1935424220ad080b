namespace RunHub.Client;

/// <summary>
/// Which tasks <see cref="RunHubClient.ListTasksAsync"/> lists (a RunHub extension, <c>GET {base}/tasks</c>).
/// Every part is optional; times are compared with each task's creation time.
/// </summary>
public sealed record TaskListFilter
{
    /// <summary>Only tasks of this model endpoint, e.g. <c>rhart-image-g-1.5/edit</c>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Only tasks in this status: <c>QUEUED</c>, <c>RUNNING</c>, <c>SUCCESS</c>, <c>FAILED</c> or <c>CANCEL</c>.</summary>
    public string? Status { get; init; }

    /// <summary>Only tasks created at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only tasks created before this time.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Tasks per page, 1 to 100 (the server's default is 20).</summary>
    public int? Limit { get; init; }

    /// <summary>The <see cref="TaskListPage.NextCursor"/> of the previous page; null for the first page.</summary>
    public string? Cursor { get; init; }
}

/// <summary>A page of tasks, newest first.</summary>
/// <param name="Tasks">The tasks of this page.</param>
/// <param name="NextCursor">Pass it as <see cref="TaskListFilter.Cursor"/> for the next page; null on the last page.</param>
public sealed record TaskListPage(IReadOnlyList<ListedTask> Tasks, string? NextCursor);

/// <summary>A task as a list shows it: the task object, its model endpoint and its times.</summary>
/// <param name="Task">The task, as <see cref="RunHubClient.QueryAsync"/> would describe it.</param>
/// <param name="Endpoint">The model endpoint it was submitted to.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="FinishedAt">When it ended; null while it runs.</param>
public sealed record ListedTask(RunHubTask Task, string Endpoint, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);
