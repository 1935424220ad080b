using System.Text.RegularExpressions;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary>How <c>runhub run</c> ends when the task does not succeed: exit 1 for a failure, 3 for a timeout.</summary>
public sealed class RunOutcomeTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    private string Image()
    {
        var path = Path.Combine(_files.Path, "in.png");
        File.WriteAllBytes(path, TestImages.Png(200, 300));
        return path;
    }

    [Fact]
    public async Task A_failed_task_exits_1_with_its_code_and_message()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:FailureRate"] = "1" });
        var caller = await server.NewCallerAsync();
        var (code, stdout, stderr) = await ClientCli.For(server, caller).Run(
            "run", "rhart-image-g-1.5/edit", "-p", "prompt=this one will fail", "-p", "aspectRatio=1:1",
            "-f", "imageUrls=" + Image(), "-o", _files.Path, "--interval", "0.2");

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Matches(new Regex("runhub: task [0-9]{19} failed: 1015 sandbox: simulated failure"), stderr);
        Assert.Matches(new Regex("^[0-9]{19} FAILED [0-9.]+s$", RegexOptions.Multiline), stderr);
        Assert.Equal(10m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_timeout_exits_3_with_the_task_id_and_the_task_can_be_queried_later()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:DelayMs"] = "5000" });
        var caller = await server.NewCallerAsync();
        var cli = ClientCli.For(server, caller);
        var (code, stdout, stderr) = await cli.Run(
            "run", "rhart-image-g-1.5/text-to-image", "-p", "prompt=a slow lighthouse", "-p", "aspectRatio=2:3",
            "-o", _files.Path, "--timeout", "1", "--interval", "0.2");

        Assert.Equal(3, code);
        var taskId = stdout.Trim();
        Assert.Matches(new Regex("^[0-9]{19}$"), taskId);
        Assert.Contains($"runhub query {taskId}", stderr);
        Assert.Empty(Directory.GetFiles(_files.Path, "*.png"));

        (code, stdout, stderr) = await cli.Run("query", taskId);
        Assert.True(code == 0, stderr);
        Assert.Contains($"taskId   {taskId}", stdout);
        Assert.Matches(new Regex("status   (QUEUED|RUNNING|SUCCESS)"), stdout);
        Assert.Equal("SUCCESS", (string?)(await caller.WaitAsync(taskId))["status"]);
    }
}
