using System.Globalization;
using RunHub.Bench.Servers;
using RunHub.Bench.Stores;

namespace RunHub.Bench;

/// <summary>
/// What the scenarios of one run share: the settings, the progress log, and a temporary folder holding a fresh
/// data folder per scenario group, deleted at the end.
/// </summary>
internal sealed class BenchContext : IAsyncDisposable
{
    private readonly TextWriter _log;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "runhub-bench-" + Guid.NewGuid().ToString("N")[..12]);

    public BenchContext(BenchOptions options, TextWriter log)
    {
        Options = options;
        _log = log;
        Directory.CreateDirectory(_root);
    }

    public BenchOptions Options { get; }

    public string NewDataDir(string group)
    {
        var dir = Path.Combine(_root, group);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A fresh data folder and a fresh store for one scenario group (SQLite, or a new PostgreSQL database with <c>--postgres</c>).</summary>
    public async Task<BenchDatabase> NewDatabaseAsync(string group)
    {
        var dataDir = NewDataDir(group);
        return Options.Postgres is { Length: > 0 } postgres
            ? await PostgresBenchDatabase.CreateAsync(postgres, group, dataDir, Options.ResolvedRunHubDll)
            : new SqliteBenchDatabase(dataDir);
    }

    /// <param name="settings">More <c>RunHub__*</c> variables for this server (e.g. its limits), beside the store's.</param>
    public Task<RunHubServer> StartServerAsync(BenchDatabase database, string role, IReadOnlyDictionary<string, string>? settings = null) =>
        RunHubServer.StartAsync(Options.ResolvedRunHubDll, database.DataDir, role, Options.Workers,
            settings is null ? database.ServerEnvironment : database.ServerEnvironment.Concat(settings).ToDictionary());

    public void Log(string message)
    {
        lock (_log) _log.WriteLine($"[{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {message}");
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException e) { Log($"could not delete {_root}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { Log($"could not delete {_root}: {e.Message}"); }
        return ValueTask.CompletedTask;
    }
}
