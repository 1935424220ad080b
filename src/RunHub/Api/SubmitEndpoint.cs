using RunHub.Client;
using Microsoft.Extensions.Options;
using RunHub.Files;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/{endpoint}</c>: the checks of <see cref="ModelRequests"/> (key, model, body, schema, engine,
/// price), then <see cref="TaskSubmitter"/> (idempotency, inline inputs stored, price reserved, task queued),
/// answering at once with the task object.
/// </summary>
public static class SubmitEndpoint
{
    public static async Task<TaskObject> Handle(string? endpoint, HttpRequest request, ModelRequests requests, TaskSubmitter submitter,
        IOptions<RunHubOptions> options, FileLinks links)
    {
        var (checkedRequest, refusal) = await requests.ReadAsync(endpoint, request);
        if (checkedRequest is null) return refusal!;

        if (Tasks.IdempotencyKey.HeaderText(request.Headers[Tasks.IdempotencyKey.Header], out var keyError) is not { } keyText)
            return TaskObject.Error(RunHubErrorCodes.InvalidParameters, keyError!);
        var (answer, replayed) = await submitter.SubmitAsync(checkedRequest, keyText,
            BaseUrl.Of(request, options.Value), BaseUrl.FileUrls(request, options.Value, links), request.HttpContext.RequestAborted);
        if (replayed) request.HttpContext.Response.Headers[Tasks.IdempotencyKey.ReplayedHeader] = "true";
        return answer;
    }
}
