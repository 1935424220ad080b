using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Identity;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Bench.Servers;
using RunHub.Bench.Stores;
using RunHub.WebConsole.Users;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// The console's heaviest reads with <c>--console-tasks</c> (1,000,000) tasks in one account (issue 15's target: under 100 ms):
/// the tasks page (first page, a filtered page, a page deep in the history by cursor) and the dashboard, each
/// requested one after another for <c>--duration</c> by a signed-in browser-like client, plus <c>GET /openapi/v2/tasks</c>. The tasks are
/// written straight into the database (60 days of history, one every 5.2 s, a tenth failed, two models), with the
/// daily spending the ledger would have kept.
/// </summary>
internal static partial class ConsoleScenario
{
    /// <summary>Requests of each page at least, in the warm-up and in the timed window, however short they are.</summary>
    private const int MinRequests = 5;
    private const long SnowflakeEpoch = 1288834974657;

    /// <summary>The rows this group reports; each has issue 15's target (<see cref="Targets.ConsolePageP99Ms"/>).</summary>
    public static IReadOnlyList<string> Rows { get; } = ["console-tasks", "console-tasks-filtered", "console-tasks-deep", "console-dashboard", "api-tasks"];

    /// <summary>The key of <see cref="ScenarioResult.Details"/> that holds how many tasks the account had.</summary>
    public const string TasksDetail = "tasks in the account (count)";

    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(BenchContext context)
    {
        await using var database = await context.NewDatabaseAsync("console");
        var account = database.CreateAccount("console", BenchAccount.HugeBalance);
        var clock = Stopwatch.StartNew();
        var taskCount = context.Options.ConsoleTasks;
        var (middleId, failedEndpoint) = await SeedAsync(database, account.Id, taskCount);
        context.Log($"console: {taskCount:N0} tasks written in {clock.Elapsed.TotalSeconds:0} s");
        const string email = "bench@example.com", password = "bench password 1";
        await AddUserAsync(database, account.Id, email, password);

        await using var server = await context.StartServerAsync(database, "api");
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(server.BaseUrl) };
        await SignInAsync(http, email, password);
        using var api = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", account.ApiKey);

        var pages = new (string Name, HttpClient Client, string Path, string What)[]
        {
            ("console-tasks", http, "/console/tasks", "the tasks page, newest 50"),
            ("console-tasks-filtered", http, $"/console/tasks?status=FAILED&endpoint={Uri.EscapeDataString(failedEndpoint)}", "the tasks page filtered by status and model"),
            ("console-tasks-deep", http, $"/console/tasks?cursor={middleId}", $"the tasks page {taskCount / 2:N0} tasks back, by cursor"),
            ("console-dashboard", http, "/console/dashboard", "the dashboard: balance, held, 30 days of spending, running and recent tasks"),
            ("api-tasks", api, "/openapi/v2/tasks?limit=100", "GET /openapi/v2/tasks, 100 tasks"),
        };
        var results = new List<ScenarioResult>();
        foreach (var (name, client, path, what) in pages)
        {
            // Warm-up (JIT and caches), then --duration of requests one after another, at least MinRequests of each.
            await RepeatAsync(client, path, context.Options.Warmup, MinRequests, null);
            var samples = new List<double>();
            var window = Stopwatch.StartNew();
            await RepeatAsync(client, path, context.Options.Duration, MinRequests, samples);
            window.Stop();
            results.Add(new ScenarioResult
            {
                Name = name, Measures = $"{what}, {taskCount:N0} tasks in the account, one request at a time",
                Unit = "req/s", Rate = samples.Count / window.Elapsed.TotalSeconds, Count = samples.Count, Seconds = window.Elapsed.TotalSeconds,
                LatencyOf = "a request's round trip on loopback (server time plus a loopback hop)",
                Latency = LatencySummary.Of(samples),
                Details = new Dictionary<string, double> { [TasksDetail] = taskCount },
            });
            context.Log($"{name}: p50 {results[^1].Latency.P50:0.0} ms, p99 {results[^1].Latency.P99:0.0} ms");
        }
        return results;
    }

    /// <summary>Requests <paramref name="path"/> one at a time for <paramref name="window"/> (and at least <paramref name="atLeast"/> times), timing each into <paramref name="samples"/>.</summary>
    private static async Task RepeatAsync(HttpClient client, string path, TimeSpan window, int atLeast, List<double>? samples)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < atLeast || clock.Elapsed < window; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await FetchAsync(client, path);
            samples?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static async Task FetchAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<(string MiddleId, string FailedEndpoint)> SeedAsync(BenchDatabase database, string accountId, int taskCount)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-60).ToUnixTimeMilliseconds();
        var step = 60L * 86_400_000 / taskCount;
        var postgres = database is PostgresBenchDatabase;
        var series = postgres ? "generate_series(0, @last) AS n(i)" : "n";
        var with = postgres ? "" : "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < @last) ";
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync(
            $"""
            {with}INSERT INTO tasks (id, account_id, endpoint, client_id, status, parameters, price, created_at, started_at, finished_at)
            SELECT CAST((@start + i * @step - {SnowflakeEpoch}) * 4194304 AS TEXT), @accountId,
                   CASE WHEN i % 2 = 0 THEN 'rhart-image-g-1.5/edit' ELSE 'rhart-image-g-1.5/text-to-image' END,
                   'bench', CASE WHEN i % 10 = 3 THEN 'FAILED' ELSE 'SUCCESS' END, @parameters, 30,
                   @start + i * @step, @start + i * @step + 5, @start + i * @step + 900
            FROM {series}
            """, new { last = taskCount - 1, start, step, accountId, parameters = "{\"prompt\":\"a lighthouse at dawn\"}" }, commandTimeout: 600);
        await db.ExecuteAsync(
            """
            INSERT INTO daily_spending (account_id, day, amount)
            SELECT account_id, finished_at / 86400000, sum(price) FROM tasks WHERE account_id = @accountId AND status = 'SUCCESS'
            GROUP BY account_id, finished_at / 86400000
            """, new { accountId }, commandTimeout: 600);
        await db.ExecuteAsync("ANALYZE tasks", commandTimeout: 600);
        var middle = ((start + taskCount / 2 * step - SnowflakeEpoch) * 4194304).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (middle, "rhart-image-g-1.5/text-to-image");
    }

    private static async Task AddUserAsync(BenchDatabase database, string accountId, string email, string password)
    {
        var user = new ConsoleUser { Id = "bench-user", AccountId = accountId, Email = email, PasswordHash = "", SecurityStamp = "bench" };
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync(
            """
            INSERT INTO users (id, account_id, email, password_hash, is_operator, security_stamp, created_at)
            VALUES (@Id, @AccountId, @Email, @hash, 0, @SecurityStamp, 0)
            """, new { user.Id, user.AccountId, user.Email, hash = new PasswordHasher<ConsoleUser>().HashPassword(user, password), user.SecurityStamp });
    }

    /// <summary>Signs in through the console's form, as a browser does (antiforgery token from the page, then the post).</summary>
    private static async Task SignInAsync(HttpClient http, string email, string password)
    {
        var page = await http.GetStringAsync("/console/signin");
        var token = WebUtility.HtmlDecode(Token().Match(page).Groups[1].Value);
        using var response = await http.PostAsync("/console/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin", ["__RequestVerificationToken"] = token, ["Email"] = email, ["Password"] = password,
        }));
        var landed = await response.Content.ReadAsStringAsync();
        if (!landed.Contains("<h1>Dashboard</h1>", StringComparison.Ordinal))
            throw new InvalidOperationException("the bench could not sign in to the console");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
