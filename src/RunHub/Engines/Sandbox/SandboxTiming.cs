using RunHub.Catalog;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The sandbox's latency model: how long a task of a family takes (<see cref="SandboxLatency"/>), waited on the
/// injected clock so tests can move time, with progress reported as the wait goes on (so polling clients see
/// RUNNING with a rising percentage). Rendering time counts towards the wait rather than adding to it.
/// </summary>
internal static class SandboxTiming
{
    /// <summary>Progress is reported at most this many times per task.</summary>
    private const int ProgressSteps = 20;

    /// <summary>The family's settings: the longest configured endpoint prefix, else the model's output type, else none.</summary>
    public static SandboxLatency? LatencyFor(SandboxOptions settings, ModelEntry model)
    {
        SandboxLatency? found = null;
        var longest = -1;
        foreach (var (family, latency) in settings.Latency)
        {
            if (family.Length > longest && family.Length > 0 && model.Endpoint.StartsWith(family, StringComparison.Ordinal) && family != model.OutputType)
            {
                found = latency;
                longest = family.Length;
            }
        }
        return found ?? settings.Latency.GetValueOrDefault(model.OutputType);
    }

    /// <summary>The family's time for what was made.</summary>
    public static TimeSpan Duration(SandboxLatency? latency, IReadOnlyList<SandboxOutputs.Made> made)
    {
        if (latency is null) return TimeSpan.Zero;
        var ms = latency.BaseMs
            + (double)latency.PerOutputMs * Math.Max(0, made.Count - 1)
            + latency.PerOutputSecondMs * made.Sum(m => m.Seconds)
            + latency.PerMegapixelMs * made.Sum(m => m.Megapixels);
        return TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Waits until <paramref name="total"/> has passed since <paramref name="started"/> (a timestamp of <paramref name="time"/>).</summary>
    public static async Task WaitAsync(TimeProvider time, TimeSpan total, long started, IProgress<EngineProgress> progress, CancellationToken cancellationToken)
    {
        if (total <= TimeSpan.Zero) return;
        var step = total / ProgressSteps;
        while (true)
        {
            var elapsed = time.GetElapsedTime(started);
            if (elapsed >= total) return;
            var left = total - elapsed;
            // The next wake-up is set before the report goes out: whoever sees the report and then moves the clock
            // (a test's fake clock) moves it past a timer that already exists, never before it is set.
            var next = Task.Delay(left < step ? left : step, time, cancellationToken);
            progress.Report(new EngineProgress(Percent: (int)Math.Min(99, elapsed / total * 100), QueuePosition: 0));
            await next.ConfigureAwait(false);
        }
    }
}
