using RunHub.Api;
using RunHub.ApiDocs;
using RunHub.Client;
using E = RunHub.Workflows.Api.WorkflowApiExamples;

namespace RunHub.Workflows.Api;

public static class WorkflowApiRoutes
{
    private const string IdempotencyNote = " Optional header `Idempotency-Key` (RunHub extension, on every run call): the same key and run " +
        "within 24 h returns the same task, with `Idempotent-Replayed: true`.";

    private const string Envelope = " Answers `{code, msg, data}`: `code` 0 is success; a refusal's `msg` starts with RunningHub's name for its code.";

    /// <summary>
    /// RunningHub's workflow and AI-app API (docs/workflows.md): v1 under <c>/task/openapi/</c>, <c>/api/openapi/</c> and
    /// <c>/api/webapp/</c> (the <c>{code, msg, data}</c> envelope, the key in the body), and the v2 runs under
    /// <c>/openapi/v2/run/</c> (Bearer key, the flat task object). These routes are more specific than any fallback of
    /// those paths (and than <c>/openapi/v2/{endpoint}</c>), so they win.
    /// </summary>
    public static WebApplication MapWorkflowApi(this WebApplication app)
    {
        app.MapPost("/task/openapi/create", RunEndpoints.CreateAsync)
            .WorkflowApi("createWorkflowTask", "Run a workflow", "Queues a run of a registered ComfyUI workflow with the `nodeInfoList` " +
                "values set (checked against the graph first: nothing is charged for a refused request). Reserves the price of the " +
                "workflow's longest run; the run is billed by its time on the ComfyUI server and the rest given back." + Envelope)
            .JsonBody(E.Create).TakesIdempotencyKey().Answers(E.Created).Answers(E.BadNodeInfo, "badNodeInfo", "A nodeInfoList entry names a field the node lacks")
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, WorkflowApiCall.KeyRefusedWhen)
            .Refuses(RunHubErrorCodes.ParamsInvalid, "no workflowId, a malformed body or webhookUrl, a `workflow` this registration does not allow, " +
                "or an `Idempotency-Key` that is malformed, sent twice or used with another run")
            .Refuses(RunHubErrorCodes.WorkflowNotFound, "no workflow of that id")
            .Refuses(RunHubErrorCodes.InvalidNodeInfo, "a nodeInfoList entry names a node or field the graph lacks, a link, or a value of the wrong kind")
            .Refuses(RunHubErrorCodes.WorkflowInvalid, "the caller's own `workflow` is not an API-format graph of the registered graph's node classes")
            .Refuses(RunHubErrorCodes.WalletTooLow, "the wallet cannot cover the reservation")
            .Refuses(RunHubErrorCodes.QueueMaxed, "the account's queue limits (docs/limits.md): as many tasks waiting, or in refusal mode running, as it may have");
        app.MapPost("/task/openapi/ai-app/run", RunEndpoints.RunAppAsync)
            .WorkflowApi("runAiApp", "Run an AI app", "Queues a run of an AI app: its workflow with the app's exposed inputs set from " +
                "`nodeInfoList` (within each input's type and limits; others are refused)." + Envelope)
            .JsonBody(E.AppRun).TakesIdempotencyKey().Answers(E.Created)
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, WorkflowApiCall.KeyRefusedWhen)
            .Refuses(RunHubErrorCodes.ParamsInvalid, "no webappId, a malformed body, or an `Idempotency-Key` that is malformed, sent twice or used with another run")
            .Refuses(RunHubErrorCodes.AppNotFound, "no app of that id")
            .Refuses(RunHubErrorCodes.InvalidNodeInfo, "an entry the app does not expose, or a value outside its type or limits")
            .Refuses(RunHubErrorCodes.WalletTooLow, "the wallet cannot cover the reservation")
            .Refuses(RunHubErrorCodes.QueueMaxed, "the account's queue limits (docs/limits.md): as many tasks waiting, or in refusal mode running, as it may have");
        app.MapPost("/task/openapi/status", TaskEndpoints.StatusAsync)
            .WorkflowApi("workflowTaskStatus", "Task status", "The status of one of the key's tasks as a bare word in `data`: " +
                "QUEUED, RUNNING, SUCCESS or FAILED (a cancelled task is FAILED here). Works for every task, whichever API created it." + Envelope)
            .JsonBody(E.Task).Answers(E.Status)
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, WorkflowApiCall.KeyRefusedWhen)
            .Refuses(RunHubErrorCodes.ParamsInvalid, "no taskId")
            .Refuses(RunHubErrorCodes.TaskNotFoundV1, "no such task, or another account's");
        app.MapPost("/task/openapi/outputs", TaskEndpoints.OutputsAsync)
            .WorkflowApi("workflowTaskOutputs", "Task outputs", "The files of a finished task " +
                "(`[{fileUrl, fileType, taskCostTime, nodeId, consumeMoney, consumeCoins, thirdPartyConsumeMoney}]`); while it is not " +
                "done, its state as the code: 813 queued, 804 running, 805 failed with `data.failedReason`." + Envelope)
            .JsonBody(E.Task).Answers(E.Outputs).Answers(E.Running, "running", "Still running")
            .Answers(E.Failed, "failed", "A node raised")
            .Refuses(RunHubErrorCodes.TaskQueued, "the task waits in the queue (a state, not an error)")
            .Refuses(RunHubErrorCodes.TaskRunning, "the task runs (a state, not an error)")
            .Refuses(RunHubErrorCodes.TaskFailed, "the task failed or was cancelled: data.failedReason says where and why")
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, WorkflowApiCall.KeyRefusedWhen)
            .Refuses(RunHubErrorCodes.TaskNotFoundV1, "no such task, or another account's");
        app.MapPost("/task/openapi/cancel", TaskEndpoints.CancelAsync)
            .WorkflowApi("cancelWorkflowTask", "Cancel a task", "Cancels one of the key's tasks: a queued one ends at once, a running one " +
                "is stopped on its server by its worker; either way its reservation is given back." + Envelope)
            .JsonBody(E.Task).Answers(E.Done)
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, WorkflowApiCall.KeyRefusedWhen)
            .Refuses(RunHubErrorCodes.TaskNotFoundV1, "no such task, or another account's")
            .Refuses(RunHubErrorCodes.TaskFailed, "the task already ended SUCCESS or FAILED");
        app.MapPost("/task/openapi/upload", UploadV1Endpoint.HandleAsync).DisableAntiforgery()
            .WorkflowApi("uploadWorkflowFile", "Upload a file", "Stores an image, video or audio file (multipart: `file`, `apiKey`, " +
                "`fileType`) and answers its `fileName`, which a nodeInfoList entry of a LoadImage (or video, audio loader) takes as " +
                "its value: RunHub uploads it to the ComfyUI server when the task runs." + Envelope)
            .Body<E.UploadForm>("multipart/form-data").Answers(E.Uploaded)
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.ParamsInvalid, "not multipart, or no `file` field")
            .Refuses(RunHubErrorCodes.UploadFailed, "an empty file")
            .Refuses(RunHubErrorCodes.FileSizeExceeded, "larger than RunHub:Media:MaxUploadMb");
        app.MapPost("/api/openapi/getJsonApiFormat", InfoEndpoints.JsonApiFormatAsync)
            .WorkflowApi("getWorkflowJson", "A workflow's graph", "The registered workflow in ComfyUI's API format, as a JSON string in `data.prompt`." + Envelope)
            .JsonBody(E.Workflow).Answers(E.Graph)
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, WorkflowApiCall.KeyRefusedWhen)
            .Refuses(RunHubErrorCodes.WorkflowNotFound, "no workflow of that id");
        app.MapGet("/api/webapp/apiCallDemo", InfoEndpoints.ApiCallDemoAsync)
            .WorkflowApi("aiAppCallDemo", "An AI app's inputs", "The app's editable `nodeInfoList` (each input's node, field, current " +
                "value, type and description) for `?apiKey=...&webappId=...`, and a ready `curl` line (a RunHub addition)." + Envelope)
            .Answers(E.Demo)
            .Refuses(RunHubErrorCodes.ApiKeyUnauthorized, "missing, invalid or revoked key, or (with no `apiKey` in the query) Authorization sent twice")
            .Refuses(RunHubErrorCodes.ParamsInvalid, "no webappId")
            .Refuses(RunHubErrorCodes.AppNotFound, "no app of that id");
        app.MapPost("/openapi/v2/run/workflow/{workflowId}", RunEndpoints.RunWorkflowV2Async)
            .WorkflowApi("runWorkflowV2", "Run a workflow (v2)", "The v2 form of a workflow run: Bearer key, `{nodeInfoList, webhookUrl}`, " +
                "answers the flat task object; poll `/openapi/v2/query`." + IdempotencyNote, keyField: null)
            .JsonBody(E.Run).TakesIdempotencyKey().Answers(E.QueuedTask)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "a malformed body or webhookUrl, or an `Idempotency-Key` that is malformed, sent twice or used with another run")
            .Refuses(RunHubErrorCodes.WorkflowNotFound, "no workflow of that id")
            .Refuses(RunHubErrorCodes.InvalidNodeInfo, "a nodeInfoList entry that does not fit the graph")
            .Refuses(RunHubErrorCodes.InsufficientBalance, "the wallet cannot cover the reservation")
            .Refuses(RunHubErrorCodes.SystemBusy, "the account has as many tasks waiting as it may (docs/limits.md)")
            .Refuses(RunHubErrorCodes.ConcurrencyLimit, "in refusal mode only: the account has as many tasks queued or running as it may run at once");
        app.MapPost("/openapi/v2/run/ai-app/{webappId}", RunEndpoints.RunAppV2Async)
            .WorkflowApi("runAiAppV2", "Run an AI app (v2)", "The v2 form of an AI-app run: Bearer key, `{nodeInfoList, webhookUrl}`, " +
                "answers the flat task object; poll `/openapi/v2/query`." + IdempotencyNote, keyField: null)
            .JsonBody(E.Run).TakesIdempotencyKey().Answers(E.QueuedTask)
            .Refuses(RunHubErrorCodes.InvalidApiKey, BearerKey.RefusedWhen)
            .Refuses(RunHubErrorCodes.InvalidParameters, "a malformed body or webhookUrl, or an `Idempotency-Key` that is malformed, sent twice or used with another run")
            .Refuses(RunHubErrorCodes.AppNotFound, "no app of that id")
            .Refuses(RunHubErrorCodes.InvalidNodeInfo, "an entry the app does not expose, or a value outside its limits")
            .Refuses(RunHubErrorCodes.InsufficientBalance, "the wallet cannot cover the reservation")
            .Refuses(RunHubErrorCodes.SystemBusy, "the account has as many tasks waiting as it may (docs/limits.md)")
            .Refuses(RunHubErrorCodes.ConcurrencyLimit, "in refusal mode only: the account has as many tasks queued or running as it may run at once");
        return app;
    }
}
