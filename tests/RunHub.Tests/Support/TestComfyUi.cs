using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace RunHub.Tests.Support;

/// <summary>
/// The real ComfyUI servers of the test run (tests/services/comfyui.sh starts one per version in the background and
/// writes <c>&lt;version&gt;.url</c> into RUNHUB_TEST_COMFYUI_DIR once it answers). <see cref="ServerAsync"/> waits
/// for one; tests that use them are in the <see cref="ComfyUiCollection"/> so they take turns (they watch its queue).
/// </summary>
public static class TestComfyUi
{
    /// <summary>The current release: most tests run on it.</summary>
    public const string Current = "0.3.64";

    /// <summary>A release whose <c>/interrupt</c> ignores <c>prompt_id</c> (0.3.45–0.3.56 do).</summary>
    public const string IgnoresInterruptId = "0.3.56";

    /// <summary>The oldest supported release: it ignores a client's <c>prompt_id</c> in <c>/prompt</c> too.</summary>
    public const string Oldest = "0.3.44";

    public const string MissingMessage =
        "RUNHUB_TEST_COMFYUI_DIR is not set; run the suite with tests/run, or source tests/services/comfyui.sh first";

    private static readonly TimeSpan StartWait = TimeSpan.FromMinutes(10);
    private static readonly Dictionary<string, Task<ComfyServer>> Started = [];

    public static bool IsAvailable => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RUNHUB_TEST_COMFYUI_DIR"));

    public static bool IsRequired => TestS3.IsRequired;

    /// <summary>The server of that version, once it answers (the same one for every test of the run).</summary>
    public static Task<ComfyServer> ServerAsync(string version = Current)
    {
        lock (Started)
        {
            if (!Started.TryGetValue(version, out var started)) Started[version] = started = WaitForAsync(version);
            return started;
        }
    }

    private static async Task<ComfyServer> WaitForAsync(string version)
    {
        var dir = Environment.GetEnvironmentVariable("RUNHUB_TEST_COMFYUI_DIR") is { Length: > 0 } d ? d : throw new InvalidOperationException(MissingMessage);
        var deadline = DateTime.UtcNow + StartWait;
        while (true)
        {
            var url = Path.Combine(dir, version + ".url");
            if (File.Exists(url))
                return new ComfyServer(version, (await File.ReadAllTextAsync(url)).Trim(), (await File.ReadAllTextAsync(Path.Combine(dir, version + ".base"))).Trim());
            var failed = Path.Combine(dir, version + ".failed");
            if (File.Exists(failed)) throw new InvalidOperationException(await File.ReadAllTextAsync(failed));
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"ComfyUI {version} did not start within {StartWait.TotalMinutes} minutes (see {dir}/{version})");
            await Task.Delay(200);
        }
    }
}

/// <summary>One real ComfyUI server, and a plain HTTP view of it for what a test checks or stages behind RunHub's back.</summary>
public sealed class ComfyServer(string version, string url, string baseDir)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string Version { get; } = version;
    public string Url { get; } = url;
    public string OutputDir => Path.Combine(baseDir, "output");
    public string InputDir => Path.Combine(baseDir, "input");

    /// <summary>Empties the queue and stops whatever runs, so a test starts on an idle server.</summary>
    public async Task ResetAsync()
    {
        await PostAsync("queue", new JsonObject { ["clear"] = true });
        await PostAsync("interrupt", new JsonObject());
        await UntilIdleAsync();
    }

    /// <summary><c>GET /queue</c>: the prompt ids running and pending.</summary>
    public async Task<(List<string> Running, List<string> Pending)> QueueAsync()
    {
        var queue = (await Http.GetFromJsonAsync<JsonObject>(Url + "/queue"))!;
        static List<string> Ids(JsonNode? list) => list!.AsArray().Select(item => (string)item![1]!).ToList();
        return (Ids(queue["queue_running"]), Ids(queue["queue_pending"]));
    }

    /// <summary>The history entry of a prompt, or null while it has none.</summary>
    public async Task<JsonObject?> HistoryAsync(string promptId) =>
        (await Http.GetFromJsonAsync<JsonObject>($"{Url}/history/{promptId}"))![promptId]?.AsObject();

    /// <summary>The prompt ComfyUI finished last (tests take turns, so after a run it is the run's).</summary>
    public async Task<(string PromptId, JsonObject Entry)> LatestAsync()
    {
        var history = (await Http.GetFromJsonAsync<JsonObject>($"{Url}/history?max_items=1"))!;
        var (id, entry) = history.Single();
        return (id, entry!.AsObject());
    }

    /// <summary>The graph ComfyUI ran for a prompt, as its history keeps it.</summary>
    public static JsonObject GraphOf(JsonObject entry) => entry["prompt"]![2]!.AsObject();

    /// <summary>The graph ComfyUI ran for a prompt, as its history keeps it.</summary>
    public async Task<JsonObject> SubmittedGraphAsync(string promptId) => (await HistoryAsync(promptId))!["prompt"]![2]!.AsObject();

    /// <summary>
    /// Queues a prompt of another client straight on ComfyUI: a <c>RunHubSlowPassthrough</c> of a tiny image for
    /// <paramref name="steps"/> steps of <paramref name="secondsPerStep"/>, so it keeps the server busy. Its prompt id.
    /// </summary>
    public async Task<string> QueueOtherClientsPromptAsync(int steps, double secondsPerStep)
    {
        var graph = new JsonObject
        {
            ["1"] = Node("EmptyImage", new JsonObject { ["width"] = 8, ["height"] = 8, ["batch_size"] = 1, ["color"] = Random.Shared.Next(1 << 24) }),
            ["2"] = Node("RunHubSlowPassthrough", new JsonObject { ["image"] = new JsonArray("1", 0), ["steps"] = steps, ["seconds_per_step"] = secondsPerStep }),
            ["3"] = Node("PreviewImage", new JsonObject { ["images"] = new JsonArray("2", 0) }),
        };
        var answer = await PostAsync("prompt", new JsonObject { ["prompt"] = graph, ["client_id"] = "another-client" });
        return (string)answer["prompt_id"]!;
    }

    /// <summary><c>POST /interrupt {prompt_id}</c> (only 0.3.57 and later stop that prompt alone).</summary>
    public Task InterruptAsync(string promptId) => PostAsync("interrupt", new JsonObject { ["prompt_id"] = promptId });

    /// <summary>Waits until nothing runs or waits.</summary>
    public Task UntilIdleAsync() => Poll.UntilAsync(async () => await QueueAsync() is ({ Count: 0 }, { Count: 0 }), "the queue to empty");

    /// <summary>Waits until the prompt is the one ComfyUI runs.</summary>
    public Task UntilRunningAsync(string promptId) => Poll.UntilAsync(async () => (await QueueAsync()).Running.Contains(promptId), $"prompt {promptId} to run");

    /// <summary>Waits until the prompt has a history entry, and returns it.</summary>
    public async Task<JsonObject> UntilFinishedAsync(string promptId)
    {
        JsonObject? entry = null;
        await Poll.UntilAsync(async () => (entry = await HistoryAsync(promptId)) is not null, $"prompt {promptId} to finish");
        return entry!;
    }

    /// <summary>Whether the prompt ended interrupted (its history's status messages hold an execution_interrupted).</summary>
    public static bool WasInterrupted(JsonObject entry) =>
        entry["status"]!["messages"]!.AsArray().Any(m => (string)m![0]! == "execution_interrupted");

    private async Task<JsonObject> PostAsync(string path, JsonObject body)
    {
        using var response = await Http.PostAsJsonAsync($"{Url}/{path}", body);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : JsonNode.Parse(text) as JsonObject ?? [];
    }

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };
}

/// <summary>
/// A test that needs the real ComfyUI servers tests/services/comfyui.sh starts. Without RUNHUB_TEST_COMFYUI_DIR it is
/// skipped, saying why, unless RUNHUB_TEST_REQUIRE_SERVICES=1 (tests/run, CI): then it runs and fails on the missing
/// servers, so CI never passes by skipping it.
/// </summary>
public sealed class ComfyFactAttribute : FactAttribute
{
    public ComfyFactAttribute()
    {
        if (TestComfyUi.IsAvailable || TestComfyUi.IsRequired) return;
        Skip = $"needs real ComfyUI servers: {TestComfyUi.MissingMessage}";
    }
}

/// <summary>The same as <see cref="ComfyFactAttribute"/> for a theory.</summary>
public sealed class ComfyTheoryAttribute : TheoryAttribute
{
    public ComfyTheoryAttribute()
    {
        if (TestComfyUi.IsAvailable || TestComfyUi.IsRequired) return;
        Skip = $"needs real ComfyUI servers: {TestComfyUi.MissingMessage}";
    }
}

/// <summary>Tests on the shared real ComfyUI servers run one at a time: they look at (and reset) a server's queue.</summary>
[CollectionDefinition(Name)]
public sealed class ComfyUiCollection
{
    public const string Name = "real ComfyUI";
}
