using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing.Patterns;
using RunHub.ApiDocs;
using RunHub.Client;
using static RunHub.Api.ApiExamples;

namespace RunHub.Api;

/// <summary>
/// The HTTP surface: RunningHub's OpenAPI v2 routes, the files behind result URLs, and the health check. Each route
/// describes itself for the OpenAPI document (<see cref="RouteDocs"/>, docs/api-docs.md).
/// </summary>
public static class ApiRoutes
{
    /// <summary>Only <c>GET /healthz</c> (a node that runs tasks and serves no API).</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"))
            .OperationsApi("health", "Health check", "`ok` (text/plain, HTTP 200) once the node has started: its database, catalog and " +
                "storage were reachable at startup. Served by every node, workers included.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return app;
    }

    /// <summary>
    /// The whole API. Before routing: the handler that turns an unexpected exception into the API's own error shape,
    /// and one spelling of every path; after it: CORS, and the answers for paths and methods no route takes
    /// (<see cref="FamilyAnswers"/>: every other feature's routes under the API's prefixes win over those).
    /// </summary>
    public static WebApplication MapApi(this WebApplication app)
    {
        UnexpectedErrors.Use(app);
        PathNormalization.Use(app);
        app.UseRouting();
        ApiCors.Use(app);
        FamilyAnswers.Use(app);
        // Requests per minute per key, before any call does work (its refusal is the family's JSON, so after the line above).
        Limits.RequestRateLimits.Use(app);

        app.MapHealth();
        app.MapMethods("/files/{**key}", ["GET", "HEAD"], FilesEndpoint.Handle)
            .RunHubApi("getFile", "A result or uploaded file", "The stored file at an unguessable URL, without a key, like RunningHub's " +
                "CDN links: its content type, `Cache-Control: immutable` (a stored file never changes), range requests. HEAD answers " +
                "the size only. Files are kept for `RunHub:Retention:Days` (7) after their task ends or their upload; an expired " +
                "or unknown key answers 404 with a JSON reason (a result's as a task object, an upload's in the upload envelope, " +
                "code 1004; HEAD: no body).")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces<TaskObject>(StatusCodes.Status404NotFound, "application/json");

        var v2 = app.MapGroup("/openapi/v2");
        v2.MapPost("/query", QueryEndpoint.Handle)
            .StandardModelApi("queryTask", "Query a task", "The task object of one of the key's own tasks: poll until `status` is " +
                "`SUCCESS` (with `results` and `usage`) or `FAILED` (with `errorCode`).")
            .JsonBody(new TaskIdBody(TaskId))
            .Answers(SucceededTask).Answers(QueuedTask, "queued", "Still waiting for a worker")
            .Answers(TaskObject.Error(RunHubErrorCodes.TaskNotFound, $"task {TaskId} not found"), "notFound", "Another account's task, or none")
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "the body is not `{\"taskId\": \"...\"}`")
            .Refuses(RunHubErrorCodes.TaskNotFound, "no such task, or another account's");
        v2.MapPost("/cancel", CancelEndpoint.Handle)
            .StandardModelApi("cancelTask", "Cancel a task", "Cancels one of the key's own tasks and releases its charge: a `QUEUED` " +
                "task is `CANCEL` at once; a `RUNNING` one is answered still `RUNNING` and ends `CANCEL` within seconds. A task " +
                "already cancelled is answered as it is.")
            .RunHubExtension()
            .JsonBody(new TaskIdBody(TaskId))
            .Answers(CancelledTask)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "the body is not `{\"taskId\": \"...\"}`, or the task already ended `SUCCESS` or `FAILED`")
            .Refuses(RunHubErrorCodes.TaskNotFound, "no such task, or another account's");
        v2.MapGet("/models", (ModelsEndpoint models) => models.Handle())
            .RunHubApi("listModels", "List the served models", "The served catalog in RunningHub's registry shape (`models[]` with " +
                "`endpoint`, `output_type`, `params[]` with `fieldKey`, `type`, `required`, limits), each with its price in the " +
                "pricing file's shape. No key needed.")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json");
        v2.MapGet("/tasks", TaskListEndpoint.Handle)
            .RunHubApi("listTasks", "List your tasks", "The key's own tasks, newest first, a page at a time (`limit` 1–100, default " +
                "20; `cursor`: the previous page's `nextCursor`), filtered by `endpoint`, `status` and creation time (`since`, " +
                "`before`: ISO 8601 dates or times, or Unix milliseconds). Each task is the task object plus `endpoint`, " +
                "`createdAt` and `finishedAt` (Unix ms).", needsKey: true)
            .Answers(TaskListEndpoint.Example)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "a malformed `limit`, `cursor`, `status`, `since` or `before` (each named)");
        v2.MapPost("/media/upload/binary", UploadEndpoint.Handle).DisableAntiforgery()
            .StandardModelApi("uploadFile", "Upload a file", "Multipart form with the file in the field `file`. The type and " +
                "extension come from the content; `download_url` works in any media parameter of a submit.")
            .Body<UploadForm>("multipart/form-data")
            .Answers(Uploaded)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "no multipart field `file`, or it is empty")
            .Refuses(RunHubErrorCodes.FileTooLarge, "larger than `RunHub:Media:MaxUploadMb` (100 MB by default)");
        v2.MapPost("/price-preview/{**endpoint}", PricePreviewEndpoint.Handle)
            .StandardModelApi("pricePreview", "Preview a task's price", "What a submit of this body to `endpoint` would cost, " +
                "checked exactly as the submit is (key, model, schema, engine, price), without charging or queueing anything. " +
                "Answered flat with RunningHub's fields; `estimatedPrice` is the whole task's price in CNY, `priceText` the unit " +
                "price. RunHub has no free calls (`freeLimit` false). A refusal is the task object with the submit's code.")
            .JsonBody(EditRequest, "The seed model's request, as its submit would send it")
            .Answers(PricePreview)
            .Refuses(RunHubErrorCodes.UnknownEndpoint, "no model at this endpoint")
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "the body breaks the model's schema, or no price rule matches it")
            .Refuses(RunHubErrorCodes.FileTooLarge, "the body is larger than the model's limit")
            .Refuses(RunHubErrorCodes.ServiceUnavailable, "no engine on this server serves the model, or it has no price");
        v2.MapGet("/api-key/list", ApiKeyListEndpoint.Handle)
            .StandardModelApi("listApiKeys", "List your API keys", "The keys of the key's account, masked (`key` is a hint such " +
                "as `46eb****0634`: RunHub stores no key it could show again), in the `{code, msg, data}` envelope. `status` is 1 " +
                "for a live key, 0 for a revoked one; RunHub has no per-key quota or expiry, so `quotaLimit`, `quotaUsed`, " +
                "`expireAt` and `expireInMinute` are null. `lastUsedAt` (RunHub extension) is exact to about a minute.")
            .Answers(ApiKeyList)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen);
        v2.MapGet("/queue/status", QueueStatusEndpoint.Handle)
            .StandardModelApi("queueStatus", "Your queue", "The account's running and queued tasks (strings, counted in the " +
                "database, every node's) and how many may run at once (`concurrentLimit`, a number: until per-account limits " +
                "exist, a node's task workers, `RunHub:Queue:Workers`), in the `{code, msg, data}` envelope.")
            .Answers(QueueStatusAnswer)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen);
        v2.Map(RoutePatternFactory.Parse("/{**endpoint}", null, new { endpoint = new ModelPathConstraint() }), SubmitEndpoint.Handle)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]))
            .StandardModelApi("submitTask", "Submit a task", "Runs the model at `endpoint` (1 to 3 path segments, e.g. " +
                "`rhart-image-g-1.5/edit`; `GET /openapi/v2/models` lists them) with the body as its parameters. The body is " +
                "checked against the model's schema, the price is reserved from the wallet, and the task is queued; the " +
                "answer is the task object at once. Optional header `Idempotency-Key` (RunHub extension): the same key " +
                "and request within 24 h returns the same task, with `Idempotent-Replayed: true`.")
            .JsonBody(EditRequest, "The seed model, rhart-image-g-1.5/edit").TakesIdempotencyKey()
            .Answers(QueuedTask).Answers(InvalidParameter, "invalidParameter", "A parameter broke the model's schema")
            .Refuses(RunHubErrorCodes.UnknownEndpoint, "no model at this endpoint")
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "the body breaks the model's schema (the message names each field and rule), " +
                "or an `Idempotency-Key` that is malformed, sent twice or was used with another request")
            .Refuses(RunHubErrorCodes.FileTooLarge, "the body is larger than the model's limit (2 MB plus room for its inline inputs)")
            .Refuses(RunHubErrorCodes.ServiceUnavailable, "no engine on this server serves the model, or it has no price")
            .Refuses(RunHubErrorCodes.InsufficientBalance, "the wallet cannot cover the price, or the price would pass the key's spend cap")
            .Refuses(RunHubErrorCodes.RateLimited, "the key's requests per minute are used up (the message and `Retry-After` say when to retry)")
            .Refuses(RunHubErrorCodes.ModelNotAllowed, "the key's model allow-list leaves this model out (RunHub's code; `runhub keys limits`)")
            .Refuses(RunHubErrorCodes.SystemBusy, "the account has as many tasks waiting as it may (its own limit, `runhub accounts limits`, or `RunHub:Limits:MaxQueuedPerAccount`)")
            .Refuses(RunHubErrorCodes.ConcurrencyLimit, "in refusal mode only (`RunHub:Limits:RefuseOverConcurrency`): the account has as many " +
                "tasks queued or running as it may run at once; otherwise such tasks wait QUEUED");
        app.MapPost("/uc/openapi/accountStatus", AccountStatusEndpoint.Handle)
            .AccountApi("accountStatus", "Account status", "The wallet (`remainMoney`: what it can still spend, reserved prices " +
                "of unfinished tasks excluded) and `currentTaskCounts` (the account's queued and running tasks).")
            .JsonBody(new ApiKeyBody("0123456789abcdef0123456789abcdef"))
            .Answers(AccountStatusAnswer)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "malformed JSON body");
        return app;
    }
}
