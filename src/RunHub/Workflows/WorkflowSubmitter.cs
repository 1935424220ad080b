using System.Text.Json;
using RunHub.Accounts;
using RunHub.Catalog;
using RunHub.Client;
using RunHub.Engines;
using RunHub.Engines.ComfyUi;
using RunHub.Limits;
using RunHub.Media;
using RunHub.Tasks;
using RunHub.Webhooks;
using Microsoft.Extensions.Options;

namespace RunHub.Workflows;

/// <summary>
/// Submits a workflow or AI-app run, for both API families (v1 <c>/task/openapi/create</c> and
/// <c>/task/openapi/ai-app/run</c>, v2 <c>/openapi/v2/run/workflow|ai-app/{id}</c>): finds the workflow (and app),
/// checks that the key may run it (its allow-list names it as <c>workflow:&lt;id&gt;</c> or <c>ai-app:&lt;id&gt;</c>), the
/// <c>nodeInfoList</c> and a caller's own graph, then queues the task and reserves the price of the workflow's longest
/// run, which also counts against the key's spend cap until the run is settled — nothing is charged for a request
/// that is refused.
/// </summary>
public sealed class WorkflowSubmitter(WorkflowCatalog catalog, NodeInfoValidator validator, TaskQueue queue, EngineRegistry engines, InlineInputs inlineInputs,
    IOptions<RunHubOptions> options)
{
    /// <summary>The largest graph of a caller's own (<c>workflow</c>) accepted, in characters.</summary>
    public const int MaxOwnWorkflowChars = 2 * 1024 * 1024;

    /// <summary>
    /// Who starts a run: the live key (its account, hash and own options: the spend cap and allow-list apply to the run),
    /// the base URL it reached RunHub by, and the API family it called.
    /// </summary>
    public sealed record Caller(KeyAccess Key, string BaseUrl, WorkflowApiFamily Family);

    /// <param name="WorkflowId">Set for a workflow run; null for an app run (<paramref name="WebappId"/>).</param>
    /// <param name="NodeInfoList">The request's <c>nodeInfoList</c>, or null when it sent none.</param>
    /// <param name="OwnWorkflow">The request's <c>workflow</c> (a whole API-format graph as a string), or null.</param>
    /// <param name="WebhookUrl">Where to post the task's end (checked here as a model submit's is), or null or "" for none.</param>
    /// <param name="IdempotencyKeyHeader">The <c>Idempotency-Key</c> header (RunHub extension, as on a model submit), or null or "" for none.</param>
    public sealed record Request(Caller Caller, string? WorkflowId, string? WebappId, JsonElement? NodeInfoList, string? OwnWorkflow, string? WebhookUrl,
        string? IdempotencyKeyHeader = null);

    /// <summary>
    /// The queued task, or the refusal with its workflow-API code (301, 380, 416, 421, 433, 803, 901, 1010, 1011; 1014
    /// when the key's allow-list leaves the workflow or app out, 812 when the reservation would pass its spend cap).
    /// </summary>
    /// <param name="Replayed">The task is the one an earlier run with the same <c>Idempotency-Key</c> and request created.</param>
    public sealed record Result(TaskRecord? Task, string? ErrorCode = null, string? Error = null, bool Replayed = false)
    {
        public static Result Refused(string code, string message) => new(null, code, message);
    }

    public async Task<Result> SubmitAsync(Request request, CancellationToken cancellationToken)
    {
        AppDefinition? app = null;
        if (request.WebappId is { } webappId)
        {
            app = catalog.FindApp(webappId);
            if (app is null) return Result.Refused(RunHubErrorCodes.AppNotFound, $"no AI app {Quote(webappId)} on this server");
        }
        var workflowId = app?.WorkflowId ?? request.WorkflowId;
        if (string.IsNullOrWhiteSpace(workflowId)) return Result.Refused(RunHubErrorCodes.ParamsInvalid, "workflowId: required");
        if (catalog.FindWorkflow(workflowId) is not { } workflow)
            return Result.Refused(RunHubErrorCodes.WorkflowNotFound, $"no workflow {Quote(workflowId)} on this server");
        var policy = request.Caller.Key.Policy;
        var endpoint = WorkflowTasks.Endpoint(workflow.WorkflowId, app?.WebappId);
        if (!policy.Allows(endpoint)) return Result.Refused(RunHubErrorCodes.ModelNotAllowed, policy.NotAllowedMessage(endpoint));
        IdempotencyKey? idempotency = null;
        if (request.IdempotencyKeyHeader is { Length: > 0 } keyText)
        {
            // The run as the client sent it: the same request again is the same request, whatever its whitespace.
            var sent = JsonSerializer.Serialize(new { nodeInfoList = request.NodeInfoList, workflow = request.OwnWorkflow, webhookUrl = request.WebhookUrl });
            idempotency = IdempotencyKey.From(keyText, endpoint, sent, out var keyError);
            if (idempotency is null) return Result.Refused(RunHubErrorCodes.ParamsInvalid, keyError!);
        }

        var graph = workflow.Graph;
        if (request.OwnWorkflow is { } own)
        {
            var (parsed, problem) = OwnGraph(own, workflow);
            if (parsed is null) return Result.Refused(problem!.Value.Code, problem.Value.Message);
            graph = parsed;
        }
        var webhook = string.IsNullOrEmpty(request.WebhookUrl) ? null : request.WebhookUrl;
        if (webhook is not null && WebhookUrl.Problem(webhook, new NetworkPolicy(options.Value.Media)) is { } webhookProblem)
            return Result.Refused(RunHubErrorCodes.ParamsInvalid, webhookProblem);

        // A wallet that cannot pay gets its refusal before a large inline input is decoded, checked and written (helper-62).
        var checkedList = await validator.CheckAsync(request.NodeInfoList, workflow, graph, app, cancellationToken, async () =>
            await queue.MoneyRefusalAsync(request.Caller.Key.AccountId, request.Caller.Key.KeyHash, workflow.Price.Reservation, policy.SpendCap is not null)
                is { } early && MoneyRefusal(early, workflow, policy) is { ErrorCode: { } refusalCode, Error: { } message }
                ? NodeInfoValidator.Checked.Refused(refusalCode, message)
                : null);
        if (checkedList.ErrorCode is { } code) return Result.Refused(code, checkedList.Error!);

        var model = workflow.AsModel();
        if (!engines.CanServe(model))
        {
            await inlineInputs.DiscardAsync(checkedList.StoredInputs);
            return Result.Refused(RunHubErrorCodes.ServiceUnavailable, $"no engine on this server can run workflow {workflow.WorkflowId}");
        }

        var parameters = new WorkflowTaskParameters
        {
            WorkflowId = workflow.WorkflowId,
            WebappId = app?.WebappId,
            Values = checkedList.Values,
            Media = checkedList.Media,
            Workflow = request.OwnWorkflow,
            PricePerSecond = workflow.Price.PerSecond,
            MaxSeconds = workflow.Price.MaxSeconds,
            WebhookUrl = webhook,
            Family = request.Caller.Family,
        };
        SubmitResult submitted;
        try
        {
            submitted = await queue.SubmitAsync(request.Caller.Key.AccountId, endpoint, parameters.ToJson(), workflow.Price.Reservation, idempotency,
                context: new SubmitContext(webhook, request.Caller.BaseUrl, request.Caller.Key.KeyHash, SpendCapped: policy.SpendCap is not null,
                    Inputs: checkedList.StoredInputs));
        }
        catch
        {
            await inlineInputs.DiscardAsync(checkedList.StoredInputs);
            throw;
        }
        if (submitted.Outcome != SubmitOutcome.Created) await inlineInputs.DiscardAsync(checkedList.StoredInputs);
        return submitted.Outcome switch
        {
            SubmitOutcome.InsufficientBalance or SubmitOutcome.SpendCapReached => MoneyRefusal(submitted.Outcome, workflow, policy),
            // The v1 family answers both with its TASK_QUEUE_MAXED (421); the v2 family with 1011 and 1520.
            SubmitOutcome.QueueFull => Result.Refused(RunHubErrorCodes.SystemBusy, QueueAdmission.Message(submitted)!),
            SubmitOutcome.ConcurrencyLimit => Result.Refused(RunHubErrorCodes.QueueMaxed, QueueAdmission.Message(submitted)!),
            SubmitOutcome.KeyReused => Result.Refused(RunHubErrorCodes.ParamsInvalid, idempotency!.ReusedMessage),
            _ => new Result(submitted.Task, Replayed: submitted.Outcome == SubmitOutcome.Replayed),
        };
    }

    /// <summary>416 when the wallet cannot pay the run's reservation, 812 when the run's reservation would pass the key's spend cap.</summary>
    private static Result MoneyRefusal(SubmitOutcome outcome, WorkflowDefinition workflow, KeyPolicy policy) =>
        outcome == SubmitOutcome.SpendCapReached
            ? Result.Refused(RunHubErrorCodes.InsufficientBalance, policy.SpendCapMessage(workflow.Price.Reservation))
            : Result.Refused(RunHubErrorCodes.WalletTooLow,
                $"wallet balance too low: a run of workflow {workflow.WorkflowId} reserves {workflow.Price.Reservation} CNY ({workflow.Price}); what it does not use is given back");

    /// <summary>A caller's own graph: allowed by the registration, API format, and made of node classes the registered graph uses.</summary>
    private static (WorkflowGraph? Graph, (string Code, string Message)? Problem) OwnGraph(string own, WorkflowDefinition workflow)
    {
        if (!workflow.AllowCustomWorkflow)
            return (null, (RunHubErrorCodes.ParamsInvalid, $"workflow: workflow {workflow.WorkflowId} runs its registered graph only; send nodeInfoList to change its inputs"));
        if (own.Length > MaxOwnWorkflowChars)
            return (null, (RunHubErrorCodes.WorkflowInvalid, $"workflow: larger than {MaxOwnWorkflowChars / 1024 / 1024} MB"));
        WorkflowGraph graph;
        try
        {
            graph = WorkflowGraph.Parse(own, "workflow");
        }
        catch (WorkflowException e)
        {
            return (null, (RunHubErrorCodes.WorkflowInvalid, e.Message));
        }
        var allowed = workflow.Graph.NodeIds.Select(workflow.Graph.ClassOf).ToHashSet(StringComparer.Ordinal);
        var foreign = graph.NodeIds.Select(graph.ClassOf).Where(c => !allowed.Contains(c)).Distinct().ToList();
        return foreign.Count == 0
            ? (graph, null)
            : (null, (RunHubErrorCodes.WorkflowInvalid,
                $"workflow: uses node classes workflow {workflow.WorkflowId} does not: {string.Join(", ", foreign.Take(10))}; a caller's own graph may use only the registered graph's node classes"));
    }

    private static string Quote(string text) => JsonValueText.Quote(text, 64);
}
