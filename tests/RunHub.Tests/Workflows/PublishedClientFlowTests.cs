using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Workflows;

/// <summary>
/// RunningHub's own ComfyUI client (HM-RunningHub/ComfyUI_RH_APICall: RH_ImageUploaderNode.py and RH_ExecuteNode.py)
/// run against RunHub in front of a real ComfyUI, with only the base URL changed. Each request is the one that client
/// sends, byte for byte where it matters: Python <c>requests</c>' JSON (<c>", "</c> and <c>": "</c> separators, ids as
/// numbers) and its multipart form (the data fields first, no content type on them, the image as <c>image.png</c>),
/// and each answer is read the way that client reads it (<c>code</c>, <c>msg</c> matched against RunningHub's names,
/// <c>data</c> as a list once done).
/// </summary>
[Collection(ComfyUiCollection.Name)]
public sealed class PublishedClientFlowTests : IAsyncLifetime
{
    private const string UserAgent = "ComfyUI-RH-APICall-Node/1.0";
    private WorkflowServer _workflow = null!;
    private ComfyServer _comfy = null!;
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _workflow = await WorkflowServer.StartAsync();
        (_comfy, _, _server) = _workflow;
    }

    public async Task DisposeAsync()
    {
        await _workflow.DisposeAsync();
    }

    [ComfyFact]
    public async Task RunningHubs_ComfyUI_node_uploads_runs_a_workflow_with_a_nodeInfoList_polls_its_outputs_and_downloads_the_image()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var http = new HttpClient { BaseAddress = new Uri(_server.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
        var photo = TestImages.Png(60, 40, new SKColor(200, (byte)Random.Shared.Next(256), 40));

        // get_workflow_node_count: the graph, a JSON string in data.prompt.
        var graph = await PostJsonAsync(http, "/api/openapi/getJsonApiFormat",
            $$"""{"apiKey": "{{caller.ApiKey}}", "workflowId": "{{WorkflowFolder.WorkflowId}}"}""");
        Assert.Equal(0, (int)graph["code"]!);
        Assert.Equal(6, JsonNode.Parse((string)graph["data"]!["prompt"]!)!.AsObject().Count);

        // check_account_status: the key as "apikey", currentTaskCounts an integer in a string.
        var account = await PostJsonAsync(http, "/uc/openapi/accountStatus", $$"""{"apikey": "{{caller.ApiKey}}"}""");
        Assert.Equal(0, (int)account["code"]!);
        Assert.Equal(0, int.Parse((string)account["data"]!["currentTaskCounts"]!));

        // ImageUploaderNode: requests.post(url, data={apiKey, fileType: "image"}, files={file: ("image.png", png, "image/png")}).
        var uploaded = await UploadAsync(http, caller.ApiKey, photo);
        Assert.Equal(0, (int)uploaded["code"]!);
        var fileName = (string)uploaded["data"]!["fileName"]!;

        // create_task: nodeInfoList from RH_NodeInfoListNode (nodeId an INT, fieldValue a STRING).
        var created = await PostJsonAsync(http, "/task/openapi/create",
            $$"""{"workflowId": "{{WorkflowFolder.WorkflowId}}", "apiKey": "{{caller.ApiKey}}", "nodeInfoList": [{"nodeId": 10, "fieldName": "image", "fieldValue": "{{fileName}}"}, {"nodeId": 20, "fieldName": "scale_by", "fieldValue": "0.5"}]}""");
        Assert.Equal(0, (int)created["code"]!);
        var data = created["data"]!.AsObject();
        Assert.True(data.ContainsKey("netWssUrl"), "the client refuses a create answer without netWssUrl");
        var taskId = (string)data["taskId"]!;
        Assert.Equal("QUEUED", (string)data["taskStatus"]!);
        var tips = JsonNode.Parse((string)data["promptTips"]!)!;
        Assert.Empty(tips["node_errors"]!.AsObject());

        // QUEUED without a socket: check_task_status (outputs) until the data is a list of files.
        var seen = new List<string>();
        var done = await Poll.ForAsync(async () =>
        {
            var answer = await PostJsonAsync(http, "/task/openapi/outputs", $$"""{"taskId": "{{taskId}}", "apiKey": "{{caller.ApiKey}}"}""");
            var msg = (string?)answer["msg"];
            if ((int)answer["code"]! == 0 && answer["data"] is JsonArray { Count: > 0 }) return answer;
            if (msg is "APIKEY_TASK_IS_QUEUED" or "APIKEY_TASK_IS_RUNNING") seen.Add(msg);
            else Assert.Fail($"the client would stop on this answer: {answer.ToJsonString()}");
            return answer;
        }, answer => answer["data"] is JsonArray { Count: > 0 }, answer => $"the task to finish: {answer.ToJsonString()}",
            TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(100));
        var outputs = (JsonArray)done["data"]!;

        // process_task_output: images by fileType, downloaded with a plain GET.
        var output = Assert.Single(outputs)!;
        Assert.Contains((string)output["fileType"]!, new[] { "png", "jpg", "jpeg", "webp", "bmp", "gif" });
        using var download = await http.GetAsync((string)output["fileUrl"]!);
        download.EnsureSuccessStatusCode();
        Assert.Equal((30, 20), TestImages.SizeOf(await download.Content.ReadAsByteArrayAsync()));
        Assert.All(seen, msg => Assert.Contains(msg, new[] { "APIKEY_TASK_IS_QUEUED", "APIKEY_TASK_IS_RUNNING" }));
        var ran = ComfyServer.GraphOf((await _comfy.LatestAsync()).Entry);
        Assert.Equal(photo, await File.ReadAllBytesAsync(Path.Combine(_comfy.InputDir, (string)ran["10"]!["inputs"]!["image"]!)));
        Assert.True(await caller.BalanceAsync() < 1m);
    }

    /// <summary>A POST as <c>requests.post(url, json=data, headers=...)</c> sends it, answered as the parsed envelope.</summary>
    private static async Task<JsonObject> PostJsonAsync(HttpClient http, string path, string json)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(path, content);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The multipart body urllib3 builds for <c>data=</c> and <c>files=</c>: a uuid4-hex boundary, fields without a content type.</summary>
    private static async Task<JsonObject> UploadAsync(HttpClient http, string apiKey, byte[] png)
    {
        var boundary = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var body = new MemoryStream();
        void Text(string text) => body.Write(Encoding.UTF8.GetBytes(text));
        Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"apiKey\"\r\n\r\n{apiKey}\r\n");
        Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"fileType\"\r\n\r\nimage\r\n");
        Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image.png\"\r\nContent-Type: image/png\r\n\r\n");
        body.Write(png);
        Text($"\r\n--{boundary}--\r\n");
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/form-data; boundary={boundary}");
        using var response = await http.PostAsync("/task/openapi/upload", content);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
