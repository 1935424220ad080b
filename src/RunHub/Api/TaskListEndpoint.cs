using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Client;
using RunHub.Files;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.Api;

/// <summary>
/// <c>GET /openapi/v2/tasks</c> (a RunHub extension): the key's own tasks, newest first, a page at a time, in the
/// <c>{code, msg, data}</c> envelope of RunningHub's account call:
/// <c>{"code": 0, "msg": "success", "data": {"tasks": [...], "nextCursor": "..." | null}}</c>. Query parameters:
/// <c>limit</c> (1–100, default 20), <c>cursor</c> (the previous page's <c>nextCursor</c>), <c>endpoint</c>,
/// <c>status</c>, <c>since</c> and <c>before</c> (ISO 8601 dates or times, UTC unless an offset is given, or Unix
/// milliseconds). Refusals: 1002 bad key, 1007 a malformed parameter (named in the message).
/// </summary>
public static class TaskListEndpoint
{
    public const int DefaultLimit = 20;

    public sealed record Envelope(int Code, string Msg, TaskListPage? Data)
    {
        public static Envelope Error(string code, string message) => new(int.Parse(code, CultureInfo.InvariantCulture), ErrorMessages.Refusal(code, message), null);
    }

    public sealed record TaskListPage(IReadOnlyList<ListedTask> Tasks, string? NextCursor);

    /// <summary>A task as listed: the task object's fields plus what a list needs (times in Unix milliseconds).</summary>
    public sealed record ListedTask(string TaskId, string Status, string Endpoint, long CreatedAt, long? FinishedAt,
        string ErrorCode, string ErrorMessage, IReadOnlyList<TaskResult>? Results, TaskUsage? Usage)
    {
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public ProgressReport? Progress { get; init; }
    }

    /// <summary>A page of one task, for the OpenAPI document.</summary>
    public static Envelope Example { get; } = new(0, "success", new TaskListPage(
        [new ListedTask(ApiExamples.TaskId, TaskStatuses.Success, "rhart-image-g-1.5/edit", 1764489600000, 1764489604000, "", "",
            ApiExamples.SucceededTask.Results, ApiExamples.SucceededTask.Usage)], ApiExamples.TaskId));

    public static async Task<Envelope> Handle(HttpRequest request, RequestKeys keys, TaskListing listing,
        IOptions<RunHubOptions> options, FileLinks links, CancellationToken cancellationToken)
    {
        var key = await keys.CheckBearerAsync(request);
        if (key.Access is not { AccountId: var accountId }) return Envelope.Error(key.Code(RunHubErrorCodes.InvalidApiKey), key.Message);

        var query = TaskListQuery.Parse(request.Query, DefaultLimit, out var error);
        if (query is null) return Envelope.Error(RunHubErrorCodes.InvalidParameters, error!);
        var page = await listing.ListAsync(accountId, query.Filter, query.Limit, cancellationToken);
        var fileUrl = BaseUrl.FileUrls(request, options.Value, links);
        return new Envelope(0, "success", new TaskListPage(page.Tasks.Select(t => ToListed(t, fileUrl)).ToList(), page.NextCursor));
    }

    private static ListedTask ToListed(TaskRecord task, Func<string, string> fileUrl)
    {
        var wire = TaskObjectMapper.ToWire(task, fileUrl);
        return new ListedTask(task.Id, task.Status, task.Endpoint, task.CreatedAt, task.FinishedAt, wire.ErrorCode,
            wire.ErrorMessage, wire.Results, wire.Usage) { Progress = wire.Progress };
    }
}
