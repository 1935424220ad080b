using System.CommandLine;
using RunHub.Bench;
using RunHub.Bench.Servers;

// The load generator shares the two cores with the server it measures, so it should cost as little as it can: its
// sockets' completions run on the socket engine's own thread instead of waking a thread-pool thread for every answer
// (read once, when the first socket is made; the servers the bench starts keep the runtime's default, see RunHubServer).
Environment.SetEnvironmentVariable(RunHubServer.InlineCompletionsVariable, "1");

var duration = new Option<double>("--duration") { Description = "Measured seconds per scenario", DefaultValueFactory = _ => 10 };
var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds before each measurement", DefaultValueFactory = _ => 3 };
var settle = new Option<double>("--settle") { Description = "Before each warm-up, run the load until the JIT is quiet, at most this many seconds (0: skip)", DefaultValueFactory = _ => 30 };
var concurrency = new Option<int>("--concurrency") { Description = "Closed-loop clients (and tasks in flight end to end)", DefaultValueFactory = _ => 32 };
var workers = new Option<int>("--workers") { Description = "Server task workers and the engine's parallelism alone (default: the server's, 2 x cores)", DefaultValueFactory = _ => BenchOptions.DefaultWorkers };
var tasks = new Option<int>("--tasks") { Description = "Queued tasks for the memory scenario", DefaultValueFactory = _ => 100_000 };
var pickupTasks = new Option<int>("--pickup-tasks") { Description = "At most this many one-at-a-time tasks in the pickup scenario", DefaultValueFactory = _ => 1000 };
var webhookTasks = new Option<int>("--webhook-tasks") { Description = "Tasks whose webhooks the webhooks scenario delivers", DefaultValueFactory = _ => 2000 };
var consoleTasks = new Option<int>("--console-tasks") { Description = "Tasks in the account whose console pages are timed", DefaultValueFactory = _ => 1_000_000 };
var hostileMb = new Option<int>("--hostile-mb") { Description = "Size of each body the hostile group sends, in MB", DefaultValueFactory = _ => 100 };
var uploadMb = new Option<int>("--upload-mb") { Description = "Size of each file the uploads group's 20 clients upload at once, in MB", DefaultValueFactory = _ => 30 };
var output = new Option<string?>("--out") { Description = "Folder for the Markdown and JSON reports (default bench/results/)" };
var only = new Option<string[]>("--only")
{
    Description = "Run only these groups: " + string.Join(", ", BenchOptions.AllGroups) + " (e2e brings engine with it)",
    AllowMultipleArgumentsPerToken = true,
};
var postgres = new Option<string?>("--postgres")
{
    Description = "Run the servers on PostgreSQL: a connection string to a database the bench may create databases from (each group gets a fresh one)",
};
var compareHttpClient = new Option<bool>("--compare-httpclient")
{
    Description = "After query-rate, run the same open loop from the HttpClient client at the same rate (row query-rate-httpclient)",
};
var runhub = new Option<string?>("--runhub") { Description = "Path of runhub.dll (default: the one built beside the bench)" };

var root = new RootCommand("RunHub benchmark: the platform's cost per request against a no-op baseline, the queue against the engine alone")
{
    duration, warmup, settle, concurrency, workers, tasks, pickupTasks, webhookTasks, consoleTasks, hostileMb, uploadMb, output, runhub, postgres, only, compareHttpClient,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new BenchOptions
    {
        DurationSeconds = parse.GetValue(duration),
        WarmupSeconds = parse.GetValue(warmup),
        SettleSeconds = parse.GetValue(settle),
        Concurrency = parse.GetValue(concurrency),
        Workers = parse.GetValue(workers),
        MemoryTasks = parse.GetValue(tasks),
        PickupTasks = parse.GetValue(pickupTasks),
        WebhookTasks = parse.GetValue(webhookTasks),
        ConsoleTasks = parse.GetValue(consoleTasks),
        HostileBodyMb = parse.GetValue(hostileMb),
        UploadMb = parse.GetValue(uploadMb),
        OutputDir = parse.GetValue(output),
        RunHubDll = parse.GetValue(runhub),
        CompareHttpClient = parse.GetValue(compareHttpClient),
        Postgres = parse.GetValue(postgres),
        Groups = parse.GetValue(only) is { Length: > 0 } groups
            ? [.. groups.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))]
            : BenchOptions.AllGroups,
        Command = "dotnet run -c Release --project bench/RunHub.Bench" + (args.Length > 0 ? " -- " + string.Join(' ', Redacted(args).Select(Quote)) : ""),
    };
    if (options.Groups.FirstOrDefault(g => !BenchOptions.AllGroups.Contains(g, StringComparer.OrdinalIgnoreCase)) is { } unknown)
    {
        Console.Error.WriteLine($"bench: --only: unknown group '{unknown}'; the groups are {string.Join(", ", BenchOptions.AllGroups)}");
        return 2;
    }
    if (options.DurationSeconds <= 0 || options.WarmupSeconds < 0 || options.SettleSeconds < 0 || options.Concurrency < 1 || options.Workers < 1
        || options.MemoryTasks < 1 || options.PickupTasks < 1 || options.WebhookTasks < 1 || options.ConsoleTasks < 2)
    {
        Console.Error.WriteLine("bench: --duration, --concurrency, --workers, --tasks, --pickup-tasks and --webhook-tasks must be positive, --console-tasks at least 2, --warmup and --settle not negative");
        return 2;
    }
    var run = await BenchRunner.RunAsync(options, Console.Out, cancellationToken);
    Console.WriteLine();
    Console.WriteLine(run.Markdown);
    Console.WriteLine($"Written: {run.MarkdownPath}");
    Console.WriteLine($"         {run.JsonPath}");
    return 0;
});
return await root.Parse(args).InvokeAsync();

static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=:".Contains(c)) ? arg : $"'{arg}'";

// The report prints the command; a connection string's password must not end up in it.
static IEnumerable<string> Redacted(string[] args)
{
    for (var i = 0; i < args.Length; i++)
        yield return i > 0 && args[i - 1] == "--postgres" ? RedactPassword(args[i]) : args[i];
}

static string RedactPassword(string connectionString)
{
    var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
    if (!string.IsNullOrEmpty(builder.Password)) builder.Password = "***";
    return builder.ConnectionString;
}
