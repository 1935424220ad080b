using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RunHub.Tasks;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary><c>serve --role api|worker|all</c>: an API node queues tasks, a worker node on the same data runs them.</summary>
public sealed class ServerRoleTests
{
    [Fact]
    public async Task An_api_node_queues_tasks_that_a_worker_node_on_the_same_data_runs()
    {
        using var data = new TempDirectory();
        await using var api = await TestServer.StartAsync(new Dictionary<string, string?> { ["Role"] = "api" }, data.Path);
        var caller = await api.NewCallerAsync(balance: 1m);
        var taskId = (string)(await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "queued on the api node", aspectRatio = "1:1" }))["taskId"]!;
        // No worker loops on an API node: the task waits for a node that runs tasks.
        Assert.DoesNotContain(api.Services.GetServices<IHostedService>(), service => service is TaskWorkers);
        Assert.Equal("QUEUED", (string)(await caller.QueryAsync(taskId))["status"]!);

        await using var worker = await TestServer.StartAsync(new Dictionary<string, string?> { ["Role"] = "worker" }, data.Path);
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(taskId))["status"]!);
        using var apiOnWorker = await worker.Http.PostAsync("/openapi/v2/query", new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, apiOnWorker.StatusCode);
        Assert.True((await worker.Http.GetAsync("/healthz")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task An_unknown_role_is_refused_naming_the_choices()
    {
        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--role", "database"]);
        Assert.Equal(2, code);
        Assert.Contains("worker", stderr);
    }
}
