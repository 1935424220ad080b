using System.Collections.Concurrent;
using System.Text.Json;
using RunHub.Catalog;
using RunHub.Engines;

namespace RunHub.Tests.Engines.Dispatch;

/// <summary>
/// An engine whose every backend (told apart by <c>settings.server</c>) follows a script the test writes: each run
/// takes the next step of that backend's script, or succeeds with a small PNG when the script is used up. It
/// records every run and health probe, and whether a run saw its token cancelled.
/// </summary>
public sealed class ScriptedEngine(string name = "scripted") : IEngine
{
    public delegate Task<EngineOutput> Step(EngineJob job, CancellationToken cancellationToken);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Step>> _scripts = new();
    private readonly ConcurrentDictionary<string, bool> _health = new();

    public string Name { get; } = name;

    /// <summary>Backends in the order they were asked to run a task.</summary>
    public ConcurrentQueue<string> Runs { get; } = new();

    /// <summary>Backends in the order they were probed.</summary>
    public ConcurrentQueue<string> Probes { get; } = new();

    /// <summary>Backends whose run saw its token cancelled.</summary>
    public ConcurrentQueue<string> Cancelled { get; } = new();

    public static byte[] Png { get; } = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");

    public static EngineOutput Success(string? usage = null) => new([new OutputFile("png", Png)]) { BackendUsage = usage };

    public ScriptedEngine Then(string server, Step step)
    {
        _scripts.GetOrAdd(server, _ => new ConcurrentQueue<Step>()).Enqueue(step);
        return this;
    }

    public ScriptedEngine Then(string server, Exception failure) => Then(server, (_, _) => Task.FromException<EngineOutput>(failure));

    public void SetHealthy(string server, bool healthy) => _health[server] = healthy;

    public static string ServerOf(EngineBinding backend) =>
        backend.Settings is { } s && s.TryGetProperty("server", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <summary>Completes, with the run's server, when the first run has started.</summary>
    public Task<string> FirstRun => _firstRun.Task;

    private readonly TaskCompletionSource<string> _firstRun = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        var server = ServerOf(job.Backend);
        Runs.Enqueue(server);
        _firstRun.TrySetResult(server);
        if (!_scripts.TryGetValue(server, out var script) || !script.TryDequeue(out var step)) return Success();
        try
        {
            return await step(job, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Cancelled.Enqueue(server);
            throw;
        }
    }

    public Task<bool> IsHealthyAsync(EngineBinding backend, CancellationToken cancellationToken)
    {
        var server = ServerOf(backend);
        Probes.Enqueue(server);
        return Task.FromResult(_health.GetValueOrDefault(server, true));
    }

    /// <summary>A step that waits until its token is cancelled (a backend that hangs).</summary>
    public static Step Hang => async (_, cancellationToken) =>
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    };
}
