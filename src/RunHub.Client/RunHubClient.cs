using System.Text;

namespace RunHub.Client;

/// <summary>
/// A client of the RunningHub Standard Model API (OpenAPI v2), for RunHub and RunningHub alike: submit a task,
/// query it, wait for it, upload inputs, download results, read the account and the model list. Thread-safe;
/// one instance can serve a whole application.
/// </summary>
public sealed partial class RunHubClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly RunHubClientOptions _options;
    private readonly ServerAddress _server;
    private readonly ApiTransport _transport;

    /// <summary>A client with its own <see cref="HttpClient"/> (disposed with the client).</summary>
    public RunHubClient(RunHubClientOptions options)
        : this(options, new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, ownsHttp: true)
    {
    }

    /// <summary>A client on an <see cref="HttpClient"/> you own (its <see cref="HttpClient.BaseAddress"/> is not used).</summary>
    public RunHubClient(RunHubClientOptions options, HttpClient httpClient)
        : this(options, httpClient, ownsHttp: false)
    {
    }

    private RunHubClient(RunHubClientOptions options, HttpClient httpClient, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        _options = Validated(options.Copy());
        _server = new ServerAddress(_options.BaseUrl);
        _http = httpClient;
        _ownsHttp = ownsHttp;
        _transport = new ApiTransport(httpClient, _options);
        ServerHonoursIdempotencyKeys = _options.ServerHonoursIdempotencyKeys ?? _server.AssumedToHonourIdempotencyKeys;
    }

    /// <summary>
    /// A client configured by <c>RH_API_KEY</c> and <c>RH_API_BASE_URL</c> (see <see cref="RunHubClientOptions.FromEnvironment"/>).
    /// Both are required: without a base URL the client does not guess a server (neither RunningHub's public site nor a
    /// local one), so a key and files are never sent to a host the user did not name.
    /// </summary>
    /// <param name="lookup">Reads a variable; the process environment by default.</param>
    /// <exception cref="InvalidOperationException"><c>RH_API_KEY</c> or <c>RH_API_BASE_URL</c> is not set; the message names each one missing.</exception>
    /// <exception cref="ArgumentException"><c>RH_API_BASE_URL</c> is not an absolute http(s) URL.</exception>
    public static RunHubClient FromEnvironment(Func<string, string?>? lookup = null)
    {
        var options = RunHubClientOptions.FromEnvironment(lookup);
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey)) missing.Add($"{RunHubClientOptions.ApiKeyVariable} to your API key");
        if (string.IsNullOrWhiteSpace(options.BaseUrl))
            missing.Add($"{RunHubClientOptions.BaseUrlVariable} to the server's API, e.g. {RunHubClientOptions.LocalRunHubBaseUrl} " +
                $"(RunHub on this machine) or {RunHubClientOptions.RunningHubBaseUrl} (RunningHub)");
        if (missing.Count > 0)
            throw new InvalidOperationException($"Set {string.Join(", and ", missing)}. Nothing was sent anywhere.");
        return new RunHubClient(options);
    }

    /// <summary>The API base URL in use (normalised, without a trailing slash).</summary>
    public string BaseUrl => _server.Api;

    /// <summary>Whether a submit whose answer was lost is sent again (see <see cref="RunHubClientOptions.ServerHonoursIdempotencyKeys"/>).</summary>
    public bool ServerHonoursIdempotencyKeys { get; }

    /// <summary>
    /// Submits a task: <c>POST {base}/{endpoint}</c> with the parameters as the JSON body, and an
    /// <c>Idempotency-Key</c> reused by every retry of this call. Returns the task as created (often QUEUED).
    /// </summary>
    /// <param name="endpoint">The model's endpoint, e.g. <c>rhart-image-g-1.5/edit</c>.</param>
    /// <param name="parameters">The model's parameters: any object System.Text.Json serialises to a JSON object (names as written), or a string of JSON.</param>
    /// <param name="idempotencyKey">Your own key, to make a submit safe to repeat across restarts; a new GUID by default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="RunHubException">Refused (e.g. 1007, 812), or the task failed at once, or the answer was lost (<see cref="RunHubException.OutcomeUnknown"/>).</exception>
    public Task<RunHubTask> SubmitAsync(string endpoint, object parameters, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        return SubmitJsonAsync(endpoint, SubmitBody.Serialize(parameters), idempotencyKey, cancellationToken);
    }

    /// <summary>
    /// Sends a submit body (a model's parameters or a workflow run's) with an <c>Idempotency-Key</c>; a lost answer is
    /// sent again only to a server that honours the key (<see cref="ServerHonoursIdempotencyKeys"/>), otherwise reported
    /// (<see cref="RunHubException.OutcomeUnknown"/>).
    /// </summary>
    private async Task<RunHubTask> SubmitJsonAsync(string endpoint, string json, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrWhiteSpace(idempotencyKey) ? Guid.NewGuid().ToString("D") : idempotencyKey;
        // Fail here rather than as a server refusal: keys are 1 to 255 printable ASCII characters without spaces.
        if (key.Length > 255 || key.Any(c => c is < '!' or > '~'))
            throw new ArgumentException("An Idempotency-Key is 1 to 255 printable ASCII characters without spaces.", nameof(idempotencyKey));
        var url = _server.Endpoint(endpoint.Trim('/'));
        var answer = await _transport.SendAsync(new ApiCall
        {
            Operation = "submit " + endpoint,
            CreateRequest = () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                request.Headers.Add("Idempotency-Key", key);
                return request;
            },
            ExpectsTask = true,
            LostAnswerIsSafeToResend = ServerHonoursIdempotencyKeys,
            IsSubmit = true,
            IdempotencyKey = key,
        }, cancellationToken).ConfigureAwait(false);
        var task = ((ServerAnswer.TaskAnswer)answer).Task;
        // A task that exists but failed is never re-submitted automatically: that would run (and charge) it again.
        if (task.IsFailed) throw task.ToException();
        return task;
    }

    /// <summary>
    /// Queries a task once (<c>POST {base}/query</c>). A failed task is returned, not thrown (check
    /// <see cref="RunHubTask.IsFailed"/>); only a refused query throws (1004 not found, 1002 bad key, ...).
    /// </summary>
    public Task<RunHubTask> QueryAsync(string taskId, CancellationToken cancellationToken = default) =>
        TaskCallAsync("query", taskId, cancellationToken);

    /// <summary>
    /// Cancels a task (<c>POST {base}/cancel</c>, a RunHub extension; RunningHub's v2 API has no such call). A queued
    /// task comes back <c>CANCEL</c> at once; a running one comes back still <c>RUNNING</c> and ends <c>CANCEL</c> once
    /// its worker has stopped it (wait for it, or query it). Either way its charge is released.
    /// </summary>
    /// <exception cref="RunHubException">Refused: 1004 no such task of yours, 1007 it already ended, 1002 bad key.</exception>
    public Task<RunHubTask> CancelAsync(string taskId, CancellationToken cancellationToken = default) =>
        // Cancelling twice has the effect of cancelling once, so a lost answer may be resent like a query's.
        TaskCallAsync("cancel", taskId, cancellationToken);

    /// <summary><c>POST {base}/{operation} {"taskId"}</c>, answered with the task object; safe to resend when the answer is lost.</summary>
    private async Task<RunHubTask> TaskCallAsync(string operation, string taskId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["taskId"] = taskId });
        var url = _server.Endpoint(operation);
        var answer = await _transport.SendAsync(new ApiCall
        {
            Operation = operation + " " + taskId,
            CreateRequest = () => new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") },
            ExpectsTask = true,
            LostAnswerIsSafeToResend = true,
            TaskId = taskId,
        }, cancellationToken).ConfigureAwait(false);
        return ((ServerAnswer.TaskAnswer)answer).Task;
    }

    /// <summary>
    /// Polls a task until it succeeds (returned) or fails (thrown as <see cref="RunHubException"/> with the task's
    /// error code and <see cref="RunHubException.TaskId"/>). Transient poll failures are tolerated until the deadline.
    /// </summary>
    /// <param name="taskId">The task, e.g. from <see cref="SubmitAsync"/> or a <see cref="RunHubTimeoutException"/>.</param>
    /// <param name="progress">Told of every poll where the task changed (its status first of all).</param>
    /// <param name="wait">Overrides of the poll interval and the deadline.</param>
    /// <param name="cancellationToken">Cancels the wait (<see cref="OperationCanceledException"/>); the task goes on.</param>
    /// <exception cref="RunHubTimeoutException">The deadline passed first; wait again later with the same task id.</exception>
    public Task<RunHubTask> WaitAsync(string taskId, IProgress<TaskUpdate>? progress = null, WaitOptions? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        var timeout = wait?.Timeout ?? _options.WaitTimeout;
        var interval = wait?.PollInterval ?? _options.PollInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(wait));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(wait));
        return TaskWaiter.WaitAsync(QueryAsync, taskId, progress, timeout, interval, cancellationToken);
    }

    /// <summary>
    /// The whole flow: uploads the local files, puts their URLs into the parameters, submits, waits, and returns the
    /// successful task with its results.
    /// </summary>
    /// <param name="endpoint">The model's endpoint.</param>
    /// <param name="parameters">The model's parameters, without the local files.</param>
    /// <param name="files">Local files per media parameter (<see cref="LocalFiles.Single"/>, <see cref="LocalFiles.List"/>).</param>
    /// <param name="progress">Told of every change while waiting.</param>
    /// <param name="wait">Overrides of the poll interval and the deadline of the wait.</param>
    /// <param name="cancellationToken">Cancels the run; a task already submitted goes on.</param>
    /// <exception cref="RunHubException">A refusal, or the task failed (with its <see cref="RunHubException.TaskId"/>), or a local
    /// file is missing or unreadable (<see cref="RunHubErrorCodes.LocalFile"/>: every file is checked before anything is uploaded).</exception>
    /// <exception cref="RunHubTimeoutException">The wait's deadline passed; the task goes on, wait for it with its id.</exception>
    public async Task<RunHubTask> RunAsync(string endpoint, object parameters, IEnumerable<LocalFiles>? files = null,
        IProgress<TaskUpdate>? progress = null, WaitOptions? wait = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        var body = SubmitBody.ToObject(parameters);
        var groups = files?.ToList() ?? [];
        // A missing file found after others were uploaded would leave them behind for nothing.
        foreach (var group in groups)
            foreach (var path in group.Paths)
                if (!File.Exists(path))
                    throw LocalFileProblem($"{group.FieldKey}: local file {path} does not exist; nothing was uploaded or submitted");
        foreach (var group in groups)
        {
            var urls = new List<string>();
            foreach (var path in group.Paths)
                urls.Add((await UploadAsync(path, cancellationToken).ConfigureAwait(false)).DownloadUrl);
            SubmitBody.Put(body, group, urls);
        }
        var task = await SubmitJsonAsync(endpoint, body.ToJsonString(), null, cancellationToken).ConfigureAwait(false);
        return await UntilDoneAsync(task, progress, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads a local file (<c>POST {base}/media/upload/binary</c>); use its <see cref="UploadedFile.DownloadUrl"/> in a media parameter.</summary>
    /// <exception cref="RunHubException">The file is missing or cannot be read (<see cref="RunHubErrorCodes.LocalFile"/>), or the upload
    /// was refused (1008 too large, 1002 bad key) or failed in transport.</exception>
    public async Task<UploadedFile> UploadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw LocalFileProblem(e is FileNotFoundException or DirectoryNotFoundException
                ? $"local file {path} does not exist"
                : $"local file {path} cannot be read: {e.Message}", e);
        }
        await using (stream.ConfigureAwait(false))
            return await UploadAsync(stream, Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
    }

    private static RunHubException LocalFileProblem(string message, Exception? inner = null) =>
        new(RunHubErrorCodes.LocalFile, message, innerException: inner);

    /// <summary>
    /// Uploads a stream as a file named <paramref name="fileName"/>. A seekable stream is rewound for each retry;
    /// a stream that cannot seek is sent once, without retries. The stream is not disposed.
    /// </summary>
    public Task<UploadedFile> UploadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return Uploader.UploadAsync(_transport, _server.Endpoint("media/upload/binary"), content, fileName, cancellationToken);
    }

    /// <summary>
    /// Saves every result of a task into <paramref name="folder"/> (created if needed) as <c>{taskId}-{index}.{ext}</c>,
    /// the extension from the result's output type, else its URL, else the content type; text results as <c>.txt</c>.
    /// Result URLs are fetched without the API key. Returns the paths written, in result order.
    /// The names come from the server, so they are checked before anything is written: a task id that is not letters,
    /// digits, <c>-</c> and <c>_</c> (say <c>../x</c> or an absolute path) is a <see cref="RunHubException"/>
    /// <see cref="RunHubErrorCodes.InvalidResponse"/>, and nothing is saved.
    /// </summary>
    public Task<IReadOnlyList<string>> DownloadResultsAsync(RunHubTask task, string folder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return new ResultDownloader(_http, _options, _server).DownloadAsync(task, folder, cancellationToken);
    }

    /// <summary>
    /// The account's wallet and load: <c>POST {root}/uc/openapi/accountStatus</c> with <c>{"apikey": KEY}</c>
    /// (outside <c>/openapi/v2</c>; the root is derived from the base URL).
    /// </summary>
    public Task<AccountStatus> GetAccountStatusAsync(CancellationToken cancellationToken = default) =>
        AccountStatusReader.GetAsync(_transport, _server.AccountStatus, _options.ApiKey, cancellationToken);

    /// <summary>
    /// The models the server serves (<c>GET {base}/models</c>, a RunHub extension in RunningHub's registry shape).
    /// </summary>
    /// <exception cref="RunHubException">The server does not list models (RunningHub answers with an error or 404).</exception>
    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        ModelListReader.GetAsync(_transport, _server.Endpoint("models"), cancellationToken);

    /// <summary>
    /// One page of the key's own tasks, newest first (<c>GET {base}/tasks</c>, a RunHub extension; RunningHub has no
    /// such call). Follow <see cref="TaskListPage.NextCursor"/> for the next page.
    /// </summary>
    /// <param name="filter">Model, status, time range, page size and cursor; all optional.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="RunHubException">Refused (1002 bad key, 1007 a malformed filter) or failed in transport.</exception>
    public Task<TaskListPage> ListTasksAsync(TaskListFilter? filter = null, CancellationToken cancellationToken = default) =>
        TaskListReader.GetAsync(_transport, _server.Endpoint("tasks"), filter ?? new TaskListFilter(), cancellationToken);

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private static RunHubClientOptions Validated(RunHubClientOptions options)
    {
        options.ApiKey = options.ApiKey?.Trim() ?? "";
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.PollInterval, TimeSpan.Zero, "options.PollInterval");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.WaitTimeout, TimeSpan.Zero, "options.WaitTimeout");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero, "options.RequestTimeout");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, "options.MaxAttempts");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryBaseDelay, TimeSpan.Zero, "options.RetryBaseDelay");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryMaxDelay, TimeSpan.Zero, "options.RetryMaxDelay");
        return options;
    }
}
