using RunHub.Client;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The built-in <c>sandbox</c> engine: a deterministic CPU stand-in for every kind of model in RunningHub's registry,
/// for offline development, tests and load generation. It is not a generative model and does not pretend to be one:
/// it lays the request's inputs out over a gradient and grade drawn from the prompt's SHA-256 and answers in the
/// model's output kind — image files (PNG, JPEG or WebP), an MP4 video, an MP3 or WAV, a text, or a GLB 3D model —
/// each a small, valid file whose metadata says the sandbox made it (<see cref="SandboxMark"/>). The same
/// parameters and inputs always give the same bytes.
/// </summary>
/// <remarks>
/// Timing: <see cref="SandboxOptions.Latency"/> (per family) plus <see cref="SandboxOptions.DelayMs"/>, waited on the
/// injected clock with progress reports; <see cref="SandboxOptions.FailureRate"/> fails a stable share of task ids
/// with 1015. Video and audio need ffmpeg (<see cref="SandboxFfmpeg"/>); a missing one fails the task with 1010.
/// </remarks>
public sealed class SandboxEngine : IEngine
{
    public const string EngineName = "sandbox";

    /// <summary>Written into every file so no one mistakes the output for a model's.</summary>
    public const string SoftwareText = SandboxMark.Software;

    private readonly IOptions<RunHubOptions> _options;
    private readonly TimeProvider _time;

    public SandboxEngine(IOptions<RunHubOptions> options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        Ffmpeg = new SandboxFfmpeg(options.Value.Engines.Sandbox.FfmpegFolder is { Length: > 0 } folder ? folder : null);
    }

    public string Name => EngineName;

    /// <summary>The encoder the video and audio outputs use.</summary>
    public SandboxFfmpeg Ffmpeg { get; }

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        var settings = _options.Value.Engines.Sandbox;
        var started = _time.GetTimestamp();
        var latency = SandboxTiming.LatencyFor(settings, job.Model);

        if (TaskFailureDraw.Fails(job.TaskId, settings.FailureRate))
        {
            await SandboxTiming.WaitAsync(_time, TimeSpan.FromMilliseconds(settings.DelayMs + (latency?.BaseMs ?? 0)), started, job.Progress, cancellationToken).ConfigureAwait(false);
            throw new EngineException(RunHubErrorCodes.GenerationFailed,
                $"sandbox: simulated failure (FailureRate={settings.FailureRate.ToString(CultureInfo.InvariantCulture)})",
                retryable: false);
        }

        var request = new SandboxRequest(job);
        var budget = new SandboxDecodeBudget(settings.MaxDecodePixels);
        var made = await SandboxOutputs.MakeAsync(request, Ffmpeg, budget, cancellationToken).ConfigureAwait(false);

        // The family's time includes rendering; DelayMs is added on top of both, as it always was.
        var rendered = _time.GetElapsedTime(started);
        var family = SandboxTiming.Duration(latency, made);
        var total = (family > rendered ? family : rendered) + TimeSpan.FromMilliseconds(settings.DelayMs);
        await SandboxTiming.WaitAsync(_time, total, started, job.Progress, cancellationToken).ConfigureAwait(false);
        return new EngineOutput(made.Select(m => m.File).ToList());
    }
}
