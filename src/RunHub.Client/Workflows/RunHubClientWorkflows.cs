namespace RunHub.Client;

/// <summary>
/// RunningHub's workflow and AI-app API, v2 form: run a ComfyUI workflow the server has registered, or an AI app (a
/// workflow with a few exposed inputs), with a <c>nodeInfoList</c> of input values; poll <c>/openapi/v2/query</c> like
/// any task. On RunHub the workflows and apps are the operator's files (docs/workflows.md); on RunningHub they are
/// the ids its site shows.
/// </summary>
public sealed partial class RunHubClient
{
    /// <summary>
    /// Submits a run of a workflow: <c>POST {base}/run/workflow/{workflowId}</c> with <c>{"nodeInfoList": [...],
    /// "webhookUrl"?}</c>, answered with the task object (usually QUEUED). Local files are uploaded first.
    /// The run carries an <c>Idempotency-Key</c> the SDK chooses: a lost answer is sent again, with the same key, only to a
    /// server that honours it (<see cref="ServerHonoursIdempotencyKeys"/>: RunHub); RunningHub documents no such key, so
    /// there a resend could run, and bill, the workflow twice and the lost answer is reported instead
    /// (<see cref="RunHubException.OutcomeUnknown"/>).
    /// </summary>
    /// <param name="workflowId">The workflow's id (RunningHub's are 19 digits; RunHub's are the operator's names).</param>
    /// <param name="nodeInfoList">Input values; none runs the workflow as registered (a seed it does not set is drawn per run).</param>
    /// <param name="webhookUrl">Where the server posts the finished task, or null.</param>
    /// <param name="idempotencyKey">Your own key, to make the run safe to send again across restarts (RunHub honours it for 24
    /// hours; RunningHub ignores it); a new GUID by default. The same key with another run is refused (1007). A local file
    /// is uploaded again by every call and gets a new URL, so a second call with the same key is another run and is
    /// refused (1007): to repeat a run with local files under one key, upload them once
    /// (<see cref="UploadAsync(string, CancellationToken)"/>) and pass their URLs.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="RunHubException">Refused: 380 no such workflow, 803 a nodeInfoList entry that does not fit the graph (the
    /// message names node and field), 1007 a malformed body, 812 the wallet cannot cover the longest run, 1002 bad key; or a local
    /// file is missing or unreadable (<see cref="RunHubErrorCodes.LocalFile"/>, nothing sent); or the answer was lost.</exception>
    public Task<RunHubTask> SubmitWorkflowAsync(string workflowId, IEnumerable<NodeInfo>? nodeInfoList = null, string? webhookUrl = null,
        string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workflowId);
        return SubmitRunAsync("run/workflow/" + Uri.EscapeDataString(workflowId.Trim()), nodeInfoList, webhookUrl, idempotencyKey, cancellationToken);
    }

    /// <summary>
    /// Submits a run of an AI app: <c>POST {base}/run/ai-app/{webappId}</c> with <c>{"nodeInfoList": [...], "webhookUrl"?}</c>,
    /// answered with the task object. Only the inputs the app exposes may be set, within their limits
    /// (<c>GET {root}/api/webapp/apiCallDemo</c> lists them). A lost answer is sent again only to a server that honours <c>Idempotency-Key</c>, as for <see cref="SubmitWorkflowAsync"/>,
    /// and <paramref name="idempotencyKey"/> is your own key as there.
    /// </summary>
    /// <exception cref="RunHubException">Refused: 901 no such app, 803 an input the app does not expose or a value outside its
    /// type or limits, 812 the wallet cannot cover the longest run, 1002 bad key; or a local file is missing or unreadable
    /// (<see cref="RunHubErrorCodes.LocalFile"/>); or the answer was lost.</exception>
    public Task<RunHubTask> SubmitAppAsync(string webappId, IEnumerable<NodeInfo>? nodeInfoList = null, string? webhookUrl = null,
        string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(webappId);
        return SubmitRunAsync("run/ai-app/" + Uri.EscapeDataString(webappId.Trim()), nodeInfoList, webhookUrl, idempotencyKey, cancellationToken);
    }

    /// <summary>
    /// The whole flow for a workflow: uploads the local files, submits (<see cref="SubmitWorkflowAsync"/>), polls
    /// <c>{base}/query</c> until the run ends, and returns the successful task. Its <see cref="RunHubTask.Results"/> are the
    /// output nodes' files (<see cref="TaskResult.NodeId"/> names the node); save them with <see cref="DownloadResultsAsync"/>.
    /// Its <see cref="RunHubTask.Usage"/> gives the billed run time (<c>taskCostTime</c>, seconds) and charge (<c>consumeMoney</c>, CNY).
    /// </summary>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="nodeInfoList">Input values, <see cref="NodeInfo.LocalFile"/> entries included.</param>
    /// <param name="progress">Told of every poll where the task changed, as in <see cref="RunAsync"/>.</param>
    /// <param name="wait">Overrides of the poll interval and the deadline of the wait.</param>
    /// <param name="cancellationToken">Cancels the run; a task already submitted goes on.</param>
    /// <exception cref="RunHubException">A refusal (see <see cref="SubmitWorkflowAsync"/>), a local file problem
    /// (<see cref="RunHubErrorCodes.LocalFile"/>), or the run failed: the task's code and message, with its
    /// <see cref="RunHubException.TaskId"/> and <see cref="RunHubException.TaskState"/> (on RunHub a node that raised is
    /// 1015 naming the node; a cancelled run ends CANCEL).</exception>
    /// <exception cref="RunHubTimeoutException">The wait's deadline passed; the run goes on, wait for it with its id.</exception>
    public async Task<RunHubTask> RunWorkflowAsync(string workflowId, IEnumerable<NodeInfo>? nodeInfoList = null,
        IProgress<TaskUpdate>? progress = null, WaitOptions? wait = null, CancellationToken cancellationToken = default)
    {
        var task = await SubmitWorkflowAsync(workflowId, nodeInfoList, null, null, cancellationToken).ConfigureAwait(false);
        return await UntilDoneAsync(task, progress, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The whole flow for an AI app: uploads the local files, submits (<see cref="SubmitAppAsync"/>), polls until the run
    /// ends, and returns the successful task, as <see cref="RunWorkflowAsync"/> does.
    /// </summary>
    /// <param name="webappId">The app's id.</param>
    /// <param name="nodeInfoList">Values of the app's exposed inputs, <see cref="NodeInfo.LocalFile"/> entries included.</param>
    /// <param name="progress">Told of every poll where the task changed.</param>
    /// <param name="wait">Overrides of the poll interval and the deadline of the wait.</param>
    /// <param name="cancellationToken">Cancels the run; a task already submitted goes on.</param>
    /// <exception cref="RunHubException">A refusal (see <see cref="SubmitAppAsync"/>), a local file problem, or the run failed.</exception>
    /// <exception cref="RunHubTimeoutException">The wait's deadline passed; the run goes on, wait for it with its id.</exception>
    public async Task<RunHubTask> RunAppAsync(string webappId, IEnumerable<NodeInfo> nodeInfoList,
        IProgress<TaskUpdate>? progress = null, WaitOptions? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodeInfoList);
        var task = await SubmitAppAsync(webappId, nodeInfoList, null, null, cancellationToken).ConfigureAwait(false);
        return await UntilDoneAsync(task, progress, wait, cancellationToken).ConfigureAwait(false);
    }

    private async Task<RunHubTask> SubmitRunAsync(string endpoint, IEnumerable<NodeInfo>? nodeInfoList, string? webhookUrl, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        var nodes = nodeInfoList?.ToList() ?? [];
        if (nodes.Any(n => n is null)) throw new ArgumentException("A nodeInfoList entry is null.", nameof(nodeInfoList));
        var paths = nodes.Where(n => n.LocalPath is not null).Select(n => n.LocalPath!).Distinct(StringComparer.Ordinal).ToList();
        // A missing file found after others were uploaded would leave them behind for nothing.
        foreach (var node in nodes.Where(n => n.LocalPath is not null))
            if (!File.Exists(node.LocalPath))
                throw LocalFileProblem($"node {node.NodeId} field {node.FieldName}: local file {node.LocalPath} does not exist; nothing was uploaded or submitted");
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
            urls[path] = (await UploadAsync(path, cancellationToken).ConfigureAwait(false)).DownloadUrl;
        var json = WorkflowRunBody.Build(nodes, path => urls[path], webhookUrl);
        return await SubmitJsonAsync(endpoint, json, idempotencyKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits for a submitted run unless it already ended; a run that ended at once is reported once, as RunAsync does.</summary>
    private async Task<RunHubTask> UntilDoneAsync(RunHubTask task, IProgress<TaskUpdate>? progress, WaitOptions? wait, CancellationToken cancellationToken)
    {
        if (!task.IsSuccess) return await WaitAsync(task.TaskId, progress, wait, cancellationToken).ConfigureAwait(false);
        progress?.Report(new TaskUpdate(task.TaskId, task.Status, TimeSpan.Zero, task));
        return task;
    }
}
