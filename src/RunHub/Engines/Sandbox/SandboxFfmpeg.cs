using FFMpegCore;
using FFMpegCore.Exceptions;
using RunHub.Client;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Debian's <c>ffmpeg</c> and <c>ffprobe</c>, run through FFMpegCore: the sandbox's video and audio encoder, and how it
/// reads the length and first frame of a video or audio input. Found in <c>RunHub:Engines:Sandbox:FfmpegFolder</c>,
/// else on the PATH. <see cref="SandboxMediaToolsCheck"/> refuses to start a server whose catalog needs them when
/// they are missing.
/// </summary>
public sealed class SandboxFfmpeg(string? binaryFolder)
{
    /// <summary>Threads per encode, fixed so a given request gives the same bytes on any machine (x264 output depends on it).</summary>
    public const int Threads = 2;

    private readonly FFOptions _options = new() { BinaryFolder = binaryFolder ?? "", TemporaryFilesFolder = Path.GetTempPath() };

    /// <summary>The tools this needs, for messages.</summary>
    public static readonly string[] Tools = ["ffmpeg", "ffprobe"];

    /// <summary>The tools that cannot be found (empty when all are there).</summary>
    public IReadOnlyList<string> Missing() => Tools.Where(tool => Locate(tool) is null).ToList();

    /// <summary>Runs one ffmpeg command (its output options already set); stops it when <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="EngineException">1015 when ffmpeg fails; the message carries its last error lines.</exception>
    internal async Task RunAsync(FFMpegArgumentProcessor processor, string what, CancellationToken cancellationToken)
    {
        try
        {
            await processor.CancellableThrough(cancellationToken).WithLogLevel(FFMpegCore.Enums.FFMpegLogLevel.Error).ProcessAsynchronously(true, _options).ConfigureAwait(false);
        }
        catch (FFMpegException e)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new EngineException(RunHubErrorCodes.GenerationFailed, $"sandbox: ffmpeg could not {what}: {LastLines(e.Message)}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FileNotFoundException)
        {
            throw new EngineException(RunHubErrorCodes.ServiceUnavailable,
                $"sandbox: ffmpeg is not installed (apt-get install ffmpeg, or set RunHub:Engines:Sandbox:FfmpegFolder): {e.Message}", retryable: true);
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>What ffprobe reads of a media file: its length (null when unknown) and picture size (null for audio).</summary>
    /// <exception cref="EngineException">1013 when the file is not media ffprobe can read.</exception>
    internal async Task<(TimeSpan? Duration, int? Width, int? Height)> ProbeAsync(string path, string name, CancellationToken cancellationToken)
    {
        try
        {
            var analysis = await FFProbe.AnalyseAsync(path, _options, cancellationToken: cancellationToken).ConfigureAwait(false);
            var video = analysis.PrimaryVideoStream;
            var duration = analysis.Duration > TimeSpan.Zero ? analysis.Duration : (TimeSpan?)null;
            return (duration, video?.Width, video?.Height);
        }
        catch (Exception e) when (e is FFMpegException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new EngineException(RunHubErrorCodes.InputNotReadable, $"{name}: not a video or audio file ffprobe can read");
        }
    }

    private string? Locate(string tool)
    {
        if (!string.IsNullOrEmpty(_options.BinaryFolder))
            return File.Exists(Path.Combine(_options.BinaryFolder, tool)) ? Path.Combine(_options.BinaryFolder, tool) : null;
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string LastLines(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tail = string.Join(" / ", lines.TakeLast(3));
        return tail.Length > 500 ? tail[^500..] : tail;
    }
}
