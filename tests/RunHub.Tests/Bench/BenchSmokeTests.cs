using System.Text.Json;
using RunHub.Bench;
using Xunit.Abstractions;

namespace RunHub.Tests.Bench;

/// <summary>
/// The benchmark harness runs to its end with tiny settings and writes its table and JSON with every scenario.
/// Deliberately no figure is checked: timings belong to the benchmark's report, never to the test suite.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    private static readonly string[] Scenarios = ["baseline", "query", "query-raw", "query-rate", "submit", "submit-url", "baseline-paired", "submit-paired", "submit-accounts", "submit-limits", "engine", "e2e", "engine-after", "pickup", "webhooks",
        "console-tasks", "console-tasks-filtered", "console-tasks-deep", "console-dashboard", "api-tasks", "input-check"];

    [Fact]
    public async Task A_tiny_run_writes_a_table_and_json_with_every_scenario()
    {
        var dir = Path.Combine(Path.GetTempPath(), "runhub-bench-smoke-" + Guid.NewGuid().ToString("N"));
        var log = new StringWriter();
        try
        {
            var options = new BenchOptions
            {
                DurationSeconds = 0.5,
                WarmupSeconds = 0.2,
                SettleSeconds = 0,
                Concurrency = 4,
                Workers = 2,
                MemoryTasks = 200,
                PickupTasks = 20,
                WebhookTasks = 20,
                ConsoleTasks = 2000,
                SandboxMemoryTasksPerWorker = 1,
                HostileBodyMb = 8,
                UploadMb = 1,
                OutputDir = dir,
                Command = "BenchSmokeTests",
            };
            // A guard against a hang, not a timing: on a 2-core machine shared by several test runs a tiny run took over 3 minutes.
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(600));
            var run = await BenchRunner.RunAsync(options, log, limit.Token);

            var markdown = await File.ReadAllTextAsync(run.MarkdownPath);
            foreach (var name in Scenarios) Assert.Contains($"| {name} |", markdown);
            Assert.Contains("Memory of a `--role api` server", markdown);
            Assert.Contains("Sandbox under hostile images", markdown);
            Assert.Contains("## Targets", markdown);

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(run.JsonPath));
            var root = json.RootElement;
            Assert.Equal(Scenarios, root.GetProperty("scenarios").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
            Assert.Equal(JsonValueKind.Object, root.GetProperty("memory").ValueKind);
            // The server's collections were traced beside the open loop's late answers.
            var queryRate = root.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "query-rate");
            Assert.True(queryRate.GetProperty("details").TryGetProperty("lateBurstsDuringServerGc", out _));
            // And what else ran on the machine in its window.
            Assert.True(queryRate.GetProperty("details").TryGetProperty("otherCpuPercentOfMachine", out _));
            // It ran on the raw client, whose connections were kept (at most one per client).
            Assert.InRange(queryRate.GetProperty("details").GetProperty("rawConnectionsOpened").GetDouble(), 1, 4);
            // The submit row says how busy the server's group-commit writer was in its window, read from /metrics.
            var submit = root.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "submit").GetProperty("details");
            Assert.InRange(submit.GetProperty("writerBusyPercent").GetDouble(), 0.001, 150);
            Assert.True(submit.GetProperty("operationsPerCommit").GetDouble() >= 1);
            // The paired row: its pairs' own ratios (a pair whose /healthz window had no answer at all, as a stall of a
            // loaded machine can make one of these tiny windows, is left out) and its ratio to its own /healthz windows.
            var paired = root.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "submit-paired");
            var pairs = paired.GetProperty("details");
            Assert.InRange(pairs.GetProperty("pairs").GetDouble(), 1, 6);
            Assert.InRange(pairs.GetProperty("pairRatioMin").GetDouble(), 0, pairs.GetProperty("pairRatioMedian").GetDouble());
            Assert.InRange(pairs.GetProperty("pairRatioMax").GetDouble(), pairs.GetProperty("pairRatioMedian").GetDouble(), double.MaxValue);
            Assert.Equal("baseline-paired", paired.GetProperty("comparedWith").GetString());
            Assert.Contains("| load (hostile, or large uploads) |", markdown);
            Assert.Equal(4, root.GetProperty("hostile").GetArrayLength());
            Assert.Equal(JsonValueKind.Object, root.GetProperty("sandboxMemory").ValueKind);
            Assert.Equal(["query", "query-rate", "submit", "submit-limits", "e2e", "pickup", "console-tasks", "console-tasks-filtered", "console-tasks-deep",
                    "console-dashboard", "api-tasks", "memory", "bodies-status", "bodies-status-chunked", "bodies-submit", "uploads", "sandbox-memory", "input-check"],
                root.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("scenario").GetString()));
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
            Assert.Equal("BenchSmokeTests", root.GetProperty("command").GetString());
            Assert.True(File.Exists(Path.Combine(dir, "latest.md")));
        }
        finally
        {
            output.WriteLine(log.ToString());
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
