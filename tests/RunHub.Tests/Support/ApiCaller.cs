using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RunHub.Tests.Support;

/// <summary>A client of the API as a RunningHub user would write one: raw HTTP and JSON, one account's key.</summary>
public sealed class ApiCaller(HttpClient http, string accountId, string apiKey)
{
    public string AccountId { get; } = accountId;
    public string ApiKey { get; } = apiKey;
    public HttpClient Http { get; } = http;

    public Task<JsonObject> SubmitAsync(string endpoint, object body) => PostAsync("/openapi/v2/" + endpoint, JsonSerializer.Serialize(body));

    public Task<JsonObject> QueryAsync(string taskId) => PostAsync("/openapi/v2/query", JsonSerializer.Serialize(new { taskId }));

    public async Task<JsonObject> PostAsync(string path, string body, string? key = null, bool sendKey = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (sendKey) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? ApiKey);
        return await SendAsync(request);
    }

    public async Task<JsonObject> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject)!;
    }

    public async Task<JsonObject> UploadAsync(byte[] content, string fileName, string contentType = "application/octet-stream")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/v2/media/upload/binary") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return await SendAsync(request);
    }

    /// <summary>Polls like a client until the task is SUCCESS or FAILED.</summary>
    public Task<JsonObject> WaitAsync(string taskId, TimeSpan? timeout = null) =>
        Poll.ForAsync(() => QueryAsync(taskId), task => (string?)task["status"] is "SUCCESS" or "FAILED",
            task => $"task {taskId} to end: {task.ToJsonString()}", timeout);

    public async Task<decimal> BalanceAsync()
    {
        var status = await PostAsync("/uc/openapi/accountStatus", JsonSerializer.Serialize(new { apikey = ApiKey }), sendKey: false);
        Assert.Equal(0, (int)status["code"]!);
        return decimal.Parse((string)status["data"]!["remainMoney"]!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
