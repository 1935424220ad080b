using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Cli.Client;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

public sealed class TaskListTests
{
    private const string TextToImage = "rhart-image-g-1.5/text-to-image";

    [Fact]
    public async Task The_task_list_holds_the_callers_own_tasks_newest_first_and_pages_by_cursor()
    {
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync();
        var stranger = await server.NewCallerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((string)(await caller.SubmitAsync(TextToImage, new { prompt = $"a lighthouse {i}", aspectRatio = "1:1" }))["taskId"]!);
        await caller.WaitAsync(ids[^1]);
        await stranger.SubmitAsync(TextToImage, new { prompt = "not yours", aspectRatio = "1:1" });

        var first = await ListAsync(caller, "?limit=2");
        Assert.Equal(0, (int)first["code"]!);
        var tasks = first["data"]!["tasks"]!.AsArray();
        Assert.Equal([ids[2], ids[1]], tasks.Select(t => (string)t!["taskId"]!));
        Assert.Equal(TextToImage, (string)tasks[0]!["endpoint"]!);
        Assert.Equal("SUCCESS", (string)tasks[0]!["status"]!);
        Assert.Equal("0.03", (string)tasks[0]!["usage"]!["consumeMoney"]!);
        Assert.StartsWith(server.BaseUrl + "/files/", (string)tasks[0]!["results"]![0]!["url"]!);
        var second = await ListAsync(caller, "?limit=2&cursor=" + (string)first["data"]!["nextCursor"]!);
        Assert.Equal([ids[0]], second["data"]!["tasks"]!.AsArray().Select(t => (string)t!["taskId"]!));
        Assert.Null(second["data"]!["nextCursor"]);
    }

    [Fact]
    public async Task A_malformed_list_request_is_refused_naming_each_parameter_and_a_bad_key_with_1002()
    {
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync();

        var refused = await ListAsync(caller, "?limit=500&status=DONE&since=yesterday&cursor=abc");
        Assert.Equal(1007, (int)refused["code"]!);
        var message = (string)refused["msg"]!;
        foreach (var name in new[] { "limit:", "status:", "since:", "cursor:" }) Assert.Contains(name, message);
        Assert.Null(refused["data"]);

        Assert.Equal(1002, (int)(await ListAsync(caller, "", key: new string('0', 32)))["code"]!);
    }

    [Fact]
    public async Task ListTasksAsync_and_runhub_tasks_follow_the_cursor_to_the_last_page()
    {
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((string)(await caller.SubmitAsync(TextToImage, new { prompt = $"a harbour {i}", aspectRatio = "2:3" }))["taskId"]!);
        using var client = Clients.For(server, caller);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await client.ListTasksAsync(new TaskListFilter { Limit = 2, Cursor = cursor, Endpoint = TextToImage });
            seen.AddRange(page.Tasks.Select(t => t.Task.TaskId));
            Assert.All(page.Tasks, t => Assert.Equal(TextToImage, t.Endpoint));
            cursor = page.NextCursor;
        } while (cursor is not null);
        Assert.Equal(Enumerable.Reverse(ids), seen);
        var refused = await Assert.ThrowsAsync<RunHubException>(() => client.ListTasksAsync(new TaskListFilter { Status = "DONE" }));
        Assert.Equal(RunHubErrorCodes.InvalidParameters, refused.ErrorCode);

        var (exit, stdout, _) = await ClientCli.For(server, caller).Run("tasks", "--limit", "2");
        Assert.Equal(0, exit);
        var lines = ClientCli.Lines(stdout);
        Assert.StartsWith(ids[2], lines[0]);
        Assert.StartsWith(ids[1], lines[1]);
        Assert.StartsWith("more: runhub tasks --cursor ", lines[2]);
        var (badExit, _, stderr) = await ClientCli.For(server, caller).Run("tasks", "--since", "someday");
        Assert.Equal(2, badExit);
        Assert.Contains("--since", stderr);
    }

    private static async Task<JsonObject> ListAsync(ApiCaller caller, string query, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2/tasks" + query);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? caller.ApiKey);
        return await caller.SendAsync(request);
    }
}
