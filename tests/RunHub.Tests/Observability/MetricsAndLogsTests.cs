using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RunHub.Tests.Support;

namespace RunHub.Tests.Observability;

/// <summary>
/// The real <c>runhub serve</c> as its own process (so its /metrics counts only its own tasks), with JSON logs:
/// what an operator's Prometheus and log shipper would see after a few tasks.
/// </summary>
public sealed partial class MetricsAndLogsTests
{
    private const string TextToImage = "rhart-image-g-1.5/text-to-image";
    private const string Edit = "rhart-image-g-1.5/edit";
    private const string Signature = "X-Amz-Signature=5ec7e75167a7c0ffee";

    [Fact]
    public async Task Metrics_count_the_tasks_and_money_and_json_logs_carry_ids_but_no_secrets()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["RunHub__LogFormat"] = "json",
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft"] = "Information",
        });
        var key = KeyLine().Match(server.Output).Groups[1].Value;
        Assert.Equal(32, key.Length);
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var succeeded = await RunAsync(http, TextToImage, new { prompt = "a lighthouse at dawn", aspectRatio = "1:1" });
        // An input URL the SSRF guard refuses, carrying a signature that must not reach the log.
        var failed = await RunAsync(http, Edit, new
        {
            prompt = "a lighthouse at dawn",
            imageUrls = new[] { $"https://127.0.0.1/photo.png?{Signature}" },
            aspectRatio = "1:1",
        });
        Assert.Equal("SUCCESS", (string)succeeded["status"]!);
        Assert.Equal(("FAILED", "1013"), ((string)failed["status"]!, (string)failed["errorCode"]!));

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Equal(1, Value(metrics, "runhub_tasks_submitted_total", $"runhub_model=\"{TextToImage}\""));
        Assert.Equal(1, Value(metrics, "runhub_tasks_submitted_total", $"runhub_model=\"{Edit}\""));
        Assert.Equal(1, Value(metrics, "runhub_tasks_finished_total", $"runhub_model=\"{TextToImage}\"", "runhub_task_status=\"SUCCESS\"", "runhub_engine=\"sandbox\""));
        Assert.Equal(1, Value(metrics, "runhub_tasks_finished_total", $"runhub_model=\"{Edit}\"", "runhub_task_status=\"FAILED\"", "error_type=\"1013\""));
        Assert.Equal(0.03, Value(metrics, "runhub_money_reserved_total", $"runhub_model=\"{TextToImage}\""), 6);
        Assert.Equal(0.03, Value(metrics, "runhub_money_settled_total", $"runhub_model=\"{TextToImage}\""), 6);
        Assert.Equal(0.03, Value(metrics, "runhub_money_released_total", $"runhub_model=\"{Edit}\""), 6);
        Assert.Equal(1, Value(metrics, "runhub_task_queue_duration_seconds_count", $"runhub_model=\"{TextToImage}\""));
        Assert.Equal(1, Value(metrics, "runhub_task_run_duration_seconds_count", $"runhub_model=\"{TextToImage}\""));
        Assert.Equal(1, Value(metrics, "runhub_backend_runs_total", "runhub_engine=\"sandbox\"", "runhub_outcome=\"success\""));
        Assert.Equal(1, Value(metrics, "runhub_backend_up", "runhub_backend=\"sandbox #1\""));
        Assert.Equal(0, Value(metrics, "runhub_backend_in_flight", "runhub_backend=\"sandbox #1\""));
        Assert.Equal(0, Value(metrics, "runhub_queue_depth", "runhub_task_status=\"QUEUED\""));
        Assert.Equal(0, Value(metrics, "runhub_queue_oldest_age_seconds"));
        // The two submits went through SQLite's group commit: each transaction is counted once per phase.
        var transactions = Value(metrics, "runhub_store_group_commit_operations_count");
        Assert.Equal(2, Value(metrics, "runhub_store_group_commit_operations_sum"));
        Assert.InRange(transactions, 1, 2);
        Assert.Equal(transactions, Value(metrics, "runhub_store_group_commit_duration_seconds_count", "runhub_phase=\"commit\""));
        Assert.Equal(transactions, Value(metrics, "runhub_store_group_commit_duration_seconds_count", "runhub_phase=\"statements\""));
        Assert.True(Value(metrics, "runhub_store_group_commit_duration_seconds_sum", "runhub_phase=\"commit\"") > 0);
        Assert.DoesNotContain(key, metrics);

        await server.KillAsync();
        var logLines = server.Output.Split('\n').Where(l => l.StartsWith('{')).ToList();
        Assert.NotEmpty(logLines);
        var entries = logLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        // The worker's line about the failed task names its task and account in the scope, not only in the text.
        var failure = entries.Single(e => ((string?)e["Message"] ?? "").Contains($"Task {failed["taskId"]} failed", StringComparison.Ordinal));
        var scopes = failure["Scopes"]!.AsArray().OfType<JsonObject>().ToList();
        Assert.Contains(scopes, s => (string?)s["TaskId"] == (string)failed["taskId"]! && s["AccountId"] is not null);
        var everything = string.Join('\n', logLines);
        Assert.DoesNotContain(key, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^12..], everything, StringComparison.Ordinal);
        Assert.DoesNotContain("5ec7e75167a7c0ffee", everything, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> RunAsync(HttpClient http, string endpoint, object body)
    {
        var submitted = await PostAsync(http, "/openapi/v2/" + endpoint, body);
        var taskId = (string)submitted["taskId"]!;
        Assert.False(string.IsNullOrEmpty(taskId), submitted.ToJsonString());
        for (var i = 0; i < 600; i++)
        {
            var task = await PostAsync(http, "/openapi/v2/query", new { taskId });
            if ((string?)task["status"] is "SUCCESS" or "FAILED") return task;
            await Task.Delay(50);
        }
        throw new TimeoutException($"task {taskId} did not finish");
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    private static double Value(string exposition, string name, params string[] labels)
    {
        var samples = exposition.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .ToList();
        Assert.True(samples.Count == 1, $"{name} {string.Join(",", labels)}: {samples.Count} samples in\n{exposition}");
        return double.Parse(samples[0][(samples[0].LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("shown only this once: ([0-9a-f]{32})")]
    private static partial Regex KeyLine();
}
