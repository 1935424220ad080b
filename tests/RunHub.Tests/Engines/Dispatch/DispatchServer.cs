using Microsoft.Extensions.DependencyInjection;
using RunHub.Engines;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Dispatch;

/// <summary>The real server with a <see cref="ScriptedEngine"/> registered beside the built-in ones, and a clock tests can move.</summary>
public sealed class DispatchServer : IAsyncDisposable
{
    private readonly TempDirectory _catalog;

    private DispatchServer(TempDirectory catalog, TestServer server, ScriptedEngine engine, MovableTime time)
    {
        _catalog = catalog;
        Server = server;
        Engine = engine;
        Time = time;
    }

    public TestServer Server { get; }
    public ScriptedEngine Engine { get; }
    public MovableTime Time { get; }

    public static async Task<DispatchServer> StartAsync(ScriptedEngine engine, string[] servers, int timeoutSeconds = 600,
        IDictionary<string, string?>? settings = null)
    {
        var catalog = DispatchCatalog.Write(timeoutSeconds, servers);
        var all = new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var time = new MovableTime();
        var server = await TestServer.StartAsync(all, configureServices: s =>
        {
            s.AddSingleton<IEngine>(engine);
            s.AddSingleton<TimeProvider>(time);
        });
        return new DispatchServer(catalog, server, engine, time);
    }

    /// <summary>Submits a task as <paramref name="caller"/>, or as a new account with 1 CNY.</summary>
    public async Task<(ApiCaller Caller, string TaskId)> SubmitAsync(ApiCaller? caller = null)
    {
        caller ??= await Server.NewCallerAsync(1m);
        var submitted = await caller.SubmitAsync(DispatchCatalog.Endpoint, new { prompt = "a scripted picture", aspectRatio = "1:1" });
        Assert.Equal("", (string)submitted["errorCode"]!);
        return (caller, (string)submitted["taskId"]!);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _catalog.Dispose();
    }
}

/// <summary>The system clock, moved forward on demand (to pass a backend's cool-down without waiting for it).</summary>
public sealed class MovableTime : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
