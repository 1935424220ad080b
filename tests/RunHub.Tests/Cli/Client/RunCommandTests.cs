using System.Text.Json;
using System.Text.RegularExpressions;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary><c>runhub run</c> against a live server: validate, upload, submit, wait, download.</summary>
public sealed class RunCommandTests : IAsyncLifetime
{
    private const string Edit = "rhart-image-g-1.5/edit";
    private static readonly Regex TaskId = new("^[0-9]{19}$");

    private readonly TempDirectory _files = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _files.Dispose();
    }

    private string Image(string name, int width = 300, int height = 200)
    {
        var path = Path.Combine(_files.Path, name);
        File.WriteAllBytes(path, TestImages.Png(width, height));
        return path;
    }

    [Fact]
    public async Task Run_uploads_the_file_waits_and_saves_the_result_where_stdout_says()
    {
        var caller = await _server.NewCallerAsync();
        var output = Path.Combine(_files.Path, "out");
        var (code, stdout, stderr) = await ClientCli.For(_server, caller).Run(
            "run", Edit, "-p", "prompt=A sudden, massive explosion behind them", "-p", "aspectRatio=2:3",
            "-f", "imageUrls=" + Image("a.png"), "-o", output, "--interval", "0.2");

        Assert.True(code == 0, stderr);
        var saved = Assert.Single(ClientCli.Lines(stdout));
        Assert.Equal(Path.GetFullPath(output), Path.GetDirectoryName(Path.GetFullPath(saved)));
        Assert.EndsWith(".png", saved);
        Assert.Equal((1024, 1536), TestImages.SizeOf(File.ReadAllBytes(saved)));

        // Plain progress on stderr, one line per status, each naming the task; the last one is SUCCESS.
        var progress = ClientCli.Lines(stderr);
        var taskId = Path.GetFileName(saved).Split('-')[0];
        Assert.All(progress, line => Assert.Matches($"^{taskId} (QUEUED|RUNNING|SUCCESS) [0-9]+\\.[0-9]s$", line));
        Assert.Matches(" SUCCESS [0-9.]+s$", progress[^1]);
        Assert.Equal(progress.Length, progress.Select(l => l.Split(' ')[1]).Distinct().Count());
        Assert.Equal(9.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Run_json_prints_the_final_task_object_and_still_saves_into_the_output_folder()
    {
        var caller = await _server.NewCallerAsync();
        var output = Path.Combine(_files.Path, "json-out");
        var (code, stdout, stderr) = await ClientCli.For(_server, caller).Run(
            "run", Edit, "-p", "prompt=make it glow at night", "-p", "aspectRatio=1:1",
            "-f", "imageUrls=" + Image("b.png"), "-f", "imageUrls=" + Image("c.png"), "-o", output, "--json", "--interval", "0.2");

        Assert.True(code == 0, stderr);
        var task = JsonDocument.Parse(stdout).RootElement;
        Assert.Matches(TaskId, task.GetProperty("taskId").GetString()!);
        Assert.Equal("SUCCESS", task.GetProperty("status").GetString());
        Assert.Equal("", task.GetProperty("errorCode").GetString());
        var result = Assert.Single(task.GetProperty("results").EnumerateArray());
        Assert.Equal("png", result.GetProperty("outputType").GetString());
        var file = Assert.Single(Directory.GetFiles(output));
        Assert.Equal((1024, 1024), TestImages.SizeOf(File.ReadAllBytes(file)));
    }

    [Fact]
    public async Task No_wait_prints_only_the_task_id_and_query_shows_that_task()
    {
        var caller = await _server.NewCallerAsync();
        var cli = ClientCli.For(_server, caller);
        var (code, stdout, stderr) = await cli.Run(
            "run", Edit, "-p", "prompt=a quiet harbour", "-p", "aspectRatio=auto", "-f", "imageUrls=" + Image("d.png"), "--no-wait");

        Assert.True(code == 0, stderr);
        var taskId = stdout.Trim();
        Assert.Matches(TaskId, taskId);
        Assert.Equal("SUCCESS", (string?)(await caller.WaitAsync(taskId))["status"]);

        (code, stdout, stderr) = await cli.Run("query", taskId, "--json");
        Assert.True(code == 0, stderr);
        var task = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(taskId, task.GetProperty("taskId").GetString());
        var url = Assert.Single(task.GetProperty("results").EnumerateArray()).GetProperty("url").GetString()!;

        (code, stdout, _) = await cli.Run("query", taskId);
        Assert.Equal(0, code);
        Assert.Contains($"taskId   {taskId}", stdout);
        Assert.Contains("status   SUCCESS", stdout);
        Assert.Contains($"result   {url} (png)", stdout);
    }

    [Fact]
    public async Task Local_validation_refuses_every_broken_rule_before_anything_is_uploaded_or_charged()
    {
        var caller = await _server.NewCallerAsync();
        var (code, stdout, stderr) = await ClientCli.For(_server, caller).Run(
            "run", Edit, "-p", "prompt=abcd", "-p", "aspectRatio=2:3",
            "-f", "imageUrls=" + Image("1.png"), "-f", "imageUrls=" + Image("2.png"), "-f", "imageUrls=" + Image("3.png"));

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("runhub: prompt: length 4 is below the minimum of 5", stderr);
        Assert.Contains("runhub: imageUrls: 3 files given, at most 2 allowed", stderr);
        Assert.Equal(10m, await caller.BalanceAsync());
        Assert.False(Directory.Exists(Path.Combine(_server.DataDir, "files", "openapi")), "nothing may be uploaded");
    }

    [Fact]
    public async Task Arguments_the_schema_cannot_take_are_usage_errors()
    {
        var caller = await _server.NewCallerAsync();
        var (code, stdout, stderr) = await ClientCli.For(_server, caller).Run(
            "run", Edit, "-p", "prompt", "-p", "aspectRatio=4:5", "-f", "prompt=" + Image("p.png"), "-f", "imageUrls=" + Path.Combine(_files.Path, "missing.png"));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("-p 'prompt': expected key=value", stderr);

        (code, _, stderr) = await ClientCli.For(_server, caller).Run(
            "run", Edit, "-p", "prompt=a fine prompt", "-p", "aspectRatio=4:5", "-f", "prompt=" + Image("p.png"), "-f", "imageUrls=" + Path.Combine(_files.Path, "missing.png"));
        Assert.Equal(2, code);
        Assert.Contains("missing.png: no such file", stderr);
        Assert.Contains("-f prompt: prompt is a STRING parameter, not a file", stderr);
        Assert.Contains("aspectRatio: \"4:5\" is not one of auto, 1:1, 3:2, 2:3", stderr);

        (code, _, stderr) = await ClientCli.For(_server, caller).Run("run", "no-such/model", "-p", "prompt=hello there");
        Assert.Equal(2, code);
        Assert.Contains("no-such/model: not a model of", stderr);
        Assert.Equal(10m, await caller.BalanceAsync());
    }
}
