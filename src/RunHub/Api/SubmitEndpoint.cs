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
        TaskSubmitter submitter, IOptions<RunHubOptions> options, FileLinks links, BodyLimits limits)
    {
        var key = BearerKey.From(request);
        if (key is null) return TaskObject.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.MissingMessage);
        var accountId = await accounts.AuthenticateAsync(key);
        if (accountId is null) return TaskObject.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

        // An unknown endpoint is refused before the body is read; a known one's body is read within its budget.
        if (submitter.Find(endpoint, out var unknown) is not { } model) return unknown!;
        var body = await limits.ReadAsync(request, limits.Submit(model));
        if (body.Error is not null) return TaskObject.Error(body.ErrorCode!, body.Error);
        using var document = body.Document!;

        var (answer, replayed) = await submitter.SubmitAsync(accountId, model, document.RootElement,
            request.Headers[Tasks.IdempotencyKey.Header].ToString(), BaseUrl.FileUrls(request, options.Value, links));
        if (replayed) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return answer;
    }
}
