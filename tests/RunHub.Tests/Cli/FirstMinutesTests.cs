using System.Diagnostics;
using System.Text.RegularExpressions;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

/// <summary>What a newcomer pastes: the lines the first start prints, and the README's examples.</summary>
public sealed partial class FirstMinutesTests
{
    [Fact]
    public async Task The_curl_lines_of_the_first_start_work_pasted_in_order_into_a_shell()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var output = await WaitForAsync(server, "repeat the query");
        var lines = output.Split('\n').SkipWhile(l => !l.StartsWith("Try it", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => l.Trim()).ToList();
        // The whole block, its closing note (a shell comment) too: what a user selects and pastes.
        Assert.Equal(4, lines.Count);
        Assert.StartsWith("# repeat the query", lines[3]);
        Assert.All(lines.Where(l => l.Contains("curl", StringComparison.Ordinal)), l => Assert.Contains("curl -s ", l));

        var (exitCode, shellOutput) = await BashAsync(string.Join('\n', lines));

        Assert.Equal(0, exitCode);
        var taskId = TaskLine().Match(shellOutput).Groups[1].Value;
        Assert.Matches("^[0-9]{19}$", taskId);
        Assert.Contains($"\"taskId\":\"{taskId}\"", shellOutput);
        Assert.Contains("\"errorCode\":\"\"", shellOutput);
    }

    [Fact]
    public async Task The_READMEs_edit_example_runs_offline_and_ends_with_a_2_to_3_picture()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"));
        var tryIt = readme[readme.IndexOf("## Try it", StringComparison.Ordinal)..];
        var block = tryIt[(tryIt.IndexOf("```sh\n", StringComparison.Ordinal) + 6)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var key = Regex.Match(await WaitForAsync(server, "shown only this once"), "shown only this once: ([0-9a-f]{32})").Groups[1].Value;
        var script = block.Replace("KEY=<the key printed at first start>", $"KEY={key}", StringComparison.Ordinal)
            .Replace("http://127.0.0.1:5080", server.BaseUrl, StringComparison.Ordinal);
        Assert.Contains($"KEY={key}", script);
        using var work = new TempDirectory();
        // The folder the example writes into (a new temporary one as written), here one the test removes.
        script = script.Replace("W=$(mktemp -d)", $"W={work.Path}", StringComparison.Ordinal);
        Assert.Contains($"W={work.Path}", script);

        var (exitCode, output) = await BashAsync(script, work.Path);

        Assert.True(exitCode == 0, output);
        var last = System.Text.Json.Nodes.JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        Assert.Equal("SUCCESS", (string)last["status"]!);
        using var http = new HttpClient();
        var png = await http.GetByteArrayAsync((string)last["results"]![0]!["url"]!);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((1024, 1536), (bitmap.Width, bitmap.Height));
        Assert.True(new FileInfo(Path.Combine(work.Path, "photo.png")).Length > 0);
    }

    internal static async Task<(int ExitCode, string Output)> BashAsync(string script, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.ArgumentList.Add("-euo");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<string> WaitForAsync(ServerProcess server, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!server.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' never printed:\n{server.Output}");
            await Task.Delay(50);
        }
        return server.Output;
    }

    [GeneratedRegex(@"task ([0-9]+)")]
    private static partial Regex TaskLine();
}
