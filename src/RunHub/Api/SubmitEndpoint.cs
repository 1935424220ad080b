using RunHub.Client;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Files;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/{endpoint}</c>: authenticate, then <see cref="TaskSubmitter"/> (find the model, validate the
/// body against its schema, price it, reserve the price and queue the task), answering at once with the task object.
/// </summary>
public static class SubmitEndpoint
{
    public static async Task<TaskObject> Handle(string? endpoint, HttpRequest request, AccountDirectory accounts,
        TaskSubmitter submitter, IOptions<RunHubOptions> options, FileLinks links)
    {
        var key = BearerKey.From(request);
        if (key is null) return TaskObject.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.MissingMessage);
        var accountId = accounts.Authenticate(key);
        if (accountId is null) return TaskObject.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

        // An unknown endpoint is refused before the body is read.
        if (!submitter.Knows(endpoint, out var unknown)) return unknown!;
        var body = await RequestBody.ReadJsonAsync(request);
        if (body.Error is not null) return TaskObject.Error(RunHubErrorCodes.InvalidParameters, body.Error);
        using var document = body.Document!;

        var (answer, replayed) = await submitter.SubmitAsync(accountId, endpoint, document.RootElement,
            request.Headers[Tasks.IdempotencyKey.Header].ToString(), BaseUrl.FileUrls(request, options.Value, links));
        if (replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return answer;
    }
}
