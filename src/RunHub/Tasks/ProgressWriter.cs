using RunHub.Engines;

namespace RunHub.Tasks;

/// <summary>
/// The <see cref="EngineJob.Progress"/> of one run: keeps the engine's latest report and writes it to the task at
/// most every <see cref="Interval"/>, off the engine's thread, so a chatty engine costs a few writes, not one per
/// report. The last report of a burst is still written once the interval has passed. Best effort: a write that
/// fails is logged and the next report tries again; nothing is written once the run's lease is lost.
/// </summary>
public sealed class ProgressWriter(TaskLease lease, TimeProvider clock, ILogger logger) : IProgress<EngineProgress>
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly Lock _lock = new();
    private ProgressReport? _pending;
    private string? _written;
    private bool _scheduled;
    private bool _stopped;
    private long? _lastWrite;

    public void Report(EngineProgress value)
    {
        var progress = ProgressReport.From(value);
        if (progress.IsEmpty) return;
        lock (_lock)
        {
            if (_stopped) return;
            _pending = progress;
            if (_scheduled) return;
            _scheduled = true;
            var wait = _lastWrite is { } last ? Interval - clock.GetElapsedTime(last) : TimeSpan.Zero;
            _ = Task.Run(() => WriteAfterAsync(wait));
        }
    }

    /// <summary>The run ended: reports still to come are dropped (the task's outcome replaces them).</summary>
    public void Stop()
    {
        lock (_lock) _stopped = true;
    }

    private async Task WriteAfterAsync(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero) await Task.Delay(wait, clock);
        string? json;
        lock (_lock)
        {
            _scheduled = false;
            json = _stopped ? null : _pending?.ToJson();
            _lastWrite = clock.GetTimestamp();
            if (json == _written) json = null;
        }
        if (json is null) return;
        try
        {
            if (await lease.ReportProgressAsync(json)) lock (_lock) _written = json;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Progress of task {TaskId} could not be recorded", lease.Task.Id);
        }
    }
}
