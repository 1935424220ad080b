using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Tests.Compat;

/// <summary>
/// Sends what a Python client built on <c>requests</c> sends (RunningHub's official ComfyUI nodes, its developer kit's
/// examples): <c>User-Agent: python-requests/2.32.3</c>, <c>Accept: */*</c>, <c>Accept-Encoding: gzip, deflate</c>,
/// <c>Connection: keep-alive</c>, a body written by <c>json.dumps</c> (", " and ": " separators, non-ASCII escaped as
/// <c>\uXXXX</c>) and uploads as <c>files={"file": (name, bytes, mime)}</c>. Written from the habits, not the code.
/// </summary>
internal sealed class PythonClient(HttpClient http, string apiKey, string baseUrl)
{
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public Dictionary<string, string> ExtraHeaders { get; } = [];

    public async Task<JsonObject> PostJsonAsync(string url, JsonObject body)
    {
        using var request = Request(HttpMethod.Post, url);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(JsonDumps(body)));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await SendAsync(request);
    }

    public async Task<JsonObject> UploadAsync(byte[] content, string fileName, string mime)
    {
        using var request = Request(HttpMethod.Post, BaseUrl + "/media/upload/binary");
        var form = new MultipartFormDataContent("7d1b0c2a9f3e4c8b9a6f5e4d3c2b1a09");
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(mime);
        form.Add(file, "file", fileName);
        request.Content = form;
        return await SendAsync(request);
    }

    /// <summary>Polls <c>/query</c> like the nodes do until SUCCESS or FAILED (they wait seconds; a test waits 50 ms).</summary>
    public async Task<JsonObject> PollAsync(string taskId)
    {
        for (var i = 0; i < 1200; i++)
        {
            var task = await PostJsonAsync(BaseUrl + "/query", new JsonObject { ["taskId"] = taskId });
            if ((string?)task["status"] is "SUCCESS" or "FAILED") return task;
            await Task.Delay(50);
        }
        throw new TimeoutException($"task {taskId} did not finish");
    }

    private HttpRequestMessage Request(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("User-Agent", "python-requests/2.32.3");
        request.Headers.TryAddWithoutValidation("Accept", "*/*");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate");
        request.Headers.TryAddWithoutValidation("Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + apiKey);
        foreach (var (name, value) in ExtraHeaders) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private async Task<JsonObject> SendAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>Python's <c>json.dumps</c> defaults: ", " and ": " separators, every non-ASCII character escaped.</summary>
    public static string JsonDumps(JsonNode node)
    {
        var compact = node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
        var spaced = new StringBuilder();
        var inString = false;
        for (var i = 0; i < compact.Length; i++)
        {
            var c = compact[i];
            spaced.Append(c);
            if (c == '"' && (i == 0 || compact[i - 1] != '\\')) inString = !inString;
            else if (!inString && c is ',' or ':') spaced.Append(' ');
        }
        return spaced.ToString();
    }
}
