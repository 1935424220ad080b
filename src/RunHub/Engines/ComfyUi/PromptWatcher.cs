using RunHub.Client;
using System.Diagnostics;
using System.Text.Json;
using RunHub.Api;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// Follows one submitted prompt to its end. The socket gives progress and the early signal of the end
/// (<c>executing</c> with <c>node: null</c>, after ComfyUI stored the history); <c>GET /history/{id}</c> and
/// <c>GET /queue</c>, asked every <see cref="ComfyUiSettings.PollInterval"/> whatever the socket does, are the
/// source of truth — so a socket that drops or stalls costs at most one poll interval, never a hang.
/// </summary>
internal sealed class PromptWatcher(ComfyUiServer server, ComfyUiSettings settings, WorkflowGraph graph, string promptId, IProgress<EngineProgress> progress)
{
    private static readonly TimeSpan EndPoll = TimeSpan.FromMilliseconds(200);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _missingSince;
    private bool _ended;
    private bool _started;
    private string? _node;
    private TimeSpan? _startedAt;
    private TimeSpan? _endedAt;

    /// <summary>How long the prompt ran as seen from here (first sign of it running to the end), when both were seen.</summary>
    public long? RunMilliseconds => _startedAt is { } start && _endedAt is { } end ? (long)(end - start).TotalMilliseconds : null;

    /// <summary>The finished prompt's history entry (which may hold a failure); throws when it is lost or its server is gone.</summary>
    public async Task<HistoryEntry> WaitAsync(PromptSocket? socket, CancellationToken cancellationToken)
    {
        var nextPoll = TimeSpan.Zero;
        var frames = socket?.Frames;
        while (true)
        {
            var wait = nextPoll - _clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                if (frames is not null)
                {
                    var frame = await NextFrameAsync(frames, wait, cancellationToken);
                    if (frame.Closed) frames = null;
                    if (frame.Value is { } f && Handle(f)) nextPoll = _clock.Elapsed;
                    continue;
                }
                await Task.Delay(wait, cancellationToken);
            }

            if (await server.HistoryAsync(promptId, cancellationToken) is { } entry)
            {
                _endedAt = _clock.Elapsed;
                // It ran, even when no frame or poll caught it running (a short prompt, frames still unread): say so
                // before it ends, without a start time to measure from.
                if (!_started)
                {
                    _started = true;
                    progress.Report(new EngineProgress(0, null, 0));
                }
                return entry;
            }
            if (!_ended) await CheckQueueAsync(cancellationToken);
            else if (Lost()) throw LostPrompt("it ended, but its history never appeared");
            nextPoll = _clock.Elapsed + (_ended ? EndPoll : settings.PollInterval);
        }
    }

    private readonly record struct FrameResult(SocketFrame? Value, bool Closed);

    private static async Task<FrameResult> NextFrameAsync(System.Threading.Channels.ChannelReader<SocketFrame> frames, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (frames.TryRead(out var ready)) return new FrameResult(ready, false);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(wait);
        try
        {
            if (!await frames.WaitToReadAsync(timer.Token)) return new FrameResult(null, true);
            return frames.TryRead(out var frame) ? new FrameResult(frame, false) : new FrameResult(null, false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FrameResult(null, false);
        }
    }

    /// <summary>Acts on one frame; true when it is time to ask <c>/history</c> or <c>/queue</c> at once.</summary>
    private bool Handle(SocketFrame frame)
    {
        // Status frames carry no prompt id: the queue moved, so our place in it may have.
        if (frame.Type == "status") return !_started && !_ended;
        if (frame.PromptId != promptId) return false;
        switch (frame.Type)
        {
            case "execution_start":
                Start();
                return false;
            case "executing" when frame.Data.ValueKind == JsonValueKind.Object && frame.Data.TryGetProperty("node", out var node):
                if (node.ValueKind == JsonValueKind.Null)
                {
                    _ended = true;
                    return true;
                }
                Start();
                _node = Describe(HistoryEntry.Text(frame.Data, "node"));
                progress.Report(new EngineProgress(null, _node, 0));
                return false;
            case "progress":
                Start();
                if (double.TryParse(HistoryEntry.Text(frame.Data, "value"), System.Globalization.CultureInfo.InvariantCulture, out var value)
                    && double.TryParse(HistoryEntry.Text(frame.Data, "max"), System.Globalization.CultureInfo.InvariantCulture, out var max) && max > 0)
                {
                    var percent = (int)Math.Clamp(Math.Floor(value * 100 / max), 0, 99);
                    progress.Report(new EngineProgress(percent, Describe(HistoryEntry.Text(frame.Data, "node")) ?? _node, 0));
                }
                return false;
            case "execution_success":
                // History is written after this frame; executing{node: null} follows once it is.
                _ended = true;
                return false;
            case "execution_error" or "execution_interrupted":
                throw ComfyUiFailures.Execution(ExecutionFailure.Read(frame.Type, frame.Data));
            default:
                return false;
        }
    }

    private void Start()
    {
        if (_started) return;
        _started = true;
        _startedAt = _clock.Elapsed;
        _missingSince = null;
        progress.Report(new EngineProgress(0, null, 0));
    }

    private async Task CheckQueueAsync(CancellationToken cancellationToken)
    {
        var (running, position) = await server.QueueAsync(promptId, cancellationToken);
        if (running)
        {
            Start();
            return;
        }
        if (position is { } place)
        {
            _missingSince = null;
            if (!_started) progress.Report(new EngineProgress(null, null, place));
            return;
        }
        // Neither finished nor queued: it may be passing from one to the other, so only a lasting absence counts.
        if (Lost()) throw LostPrompt("it is in neither /history nor /queue (was the server restarted?)");
    }

    private bool Lost()
    {
        _missingSince ??= _clock.Elapsed;
        return _clock.Elapsed - _missingSince.Value > settings.LostAfter;
    }

    private EngineException LostPrompt(string why) =>
        new(RunHubErrorCodes.UpstreamError, $"ComfyUI at {server.BaseUrl} lost prompt {promptId}: {why}", retryable: true);

    private string? Describe(string? nodeId) =>
        nodeId is null ? null : graph.ClassOf(nodeId) is { } classType ? $"{classType} #{nodeId}" : $"#{nodeId}";
}
