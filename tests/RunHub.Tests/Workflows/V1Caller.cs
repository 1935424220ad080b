using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>RunningHub's workflow API (v1) as its clients call it: JSON bodies with <c>apiKey</c>, the <c>{code, msg, data}</c> envelope.</summary>
internal sealed class V1Caller(ApiCaller caller)
{
    public ApiCaller Caller { get; } = caller;
    public string ApiKey => Caller.ApiKey;

    /// <summary>POSTs <paramref name="body"/> with <c>apiKey</c> added, and answers the envelope.</summary>
    public async Task<JsonObject> PostAsync(string path, object body)
    {
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["apiKey"] ??= ApiKey;
        using var content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Caller.Http.PostAsync(path, content);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public Task<JsonObject> CreateAsync(string workflowId, object? nodeInfoList = null, object? more = null)
    {
        var body = new JsonObject { ["workflowId"] = workflowId };
        if (nodeInfoList is not null) body["nodeInfoList"] = JsonSerializer.SerializeToNode(nodeInfoList);
        foreach (var (name, value) in more is null ? [] : JsonSerializer.SerializeToNode(more)!.AsObject().ToList())
            body[name] = value?.DeepClone();
        return PostAsync("/task/openapi/create", body);
    }

    public Task<JsonObject> RunAppAsync(string webappId, object nodeInfoList) =>
        PostAsync("/task/openapi/ai-app/run", new { webappId, nodeInfoList });

    public Task<JsonObject> OutputsAsync(string taskId) => PostAsync("/task/openapi/outputs", new { taskId });

    public Task<JsonObject> StatusAsync(string taskId) => PostAsync("/task/openapi/status", new { taskId });

    /// <summary>Polls <c>/task/openapi/outputs</c> until the answer is not a state (804, 813), and returns it with every code seen.</summary>
    public async Task<(JsonObject Answer, List<int> Codes)> OutputsUntilDoneAsync(string taskId)
    {
        var codes = new List<int>();
        var answer = await Poll.ForAsync(async () =>
        {
            var answer = await OutputsAsync(taskId);
            codes.Add((int)answer["code"]!);
            return answer;
        }, answer => (int)answer["code"]! is not (804 or 813), answer => $"task {taskId} to end: {answer.ToJsonString()}",
            TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(100));
        return (answer, codes);
    }

    /// <summary><c>/task/openapi/upload</c> as RunningHub's clients send it: <c>apiKey</c>, <c>fileType</c>, <c>file</c>.</summary>
    public async Task<JsonObject> UploadAsync(byte[] data, string fileName, string? apiKey = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(apiKey ?? ApiKey), "apiKey");
        form.Add(new StringContent("input"), "fileType");
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", fileName);
        using var response = await Caller.Http.PostAsync("/task/openapi/upload", form);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
