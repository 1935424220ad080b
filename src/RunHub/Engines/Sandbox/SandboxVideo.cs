using System.Globalization;
using FFMpegCore;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The sandbox's video result: an MP4 (H.264, yuv420p; AAC sound when asked for) of the planned length, size and frame
/// rate (<see cref="SandboxVideoPlan"/>), showing the sandbox's picture of the request — its input images, or the
/// first frame of each input video, laid out under the prompt's grade — with a bar that crosses the bottom edge once
/// over the video's length, so every frame differs and a player's position can be seen. The sound is a steady tone
/// whose pitch comes from the variation hash. The MP4's <c>comment</c> and <c>title</c> tags carry the sandbox's mark.
/// </summary>
internal static class SandboxVideo
{
    /// <summary>Frames taken from input videos are read at most this wide.</summary>
    private const int FrameMaxSide = 2048;

    /// <returns>The MP4 and its length in seconds.</returns>
    public static async Task<(OutputFile File, double Seconds)> MakeAsync(SandboxRequest request, SandboxFfmpeg ffmpeg, SandboxDecodeBudget budget, CancellationToken cancellationToken)
    {
        using var workspace = new SandboxWorkspace();
        var stills = request.Stills.ToList();
        (TimeSpan? Duration, int? Width, int? Height)? firstVideo = null;
        for (var i = 0; i < request.Videos.Count; i++)
        {
            var name = SandboxRequest.NameOf(request.Videos[i]);
            var path = await workspace.WriteAsync($"video-{i}", request.Videos[i].Data, cancellationToken).ConfigureAwait(false);
            var facts = await ffmpeg.ProbeAsync(path, name, cancellationToken).ConfigureAwait(false);
            firstVideo ??= facts;
            stills.Add((await FirstFrameAsync(ffmpeg, workspace, path, i, name, cancellationToken).ConfigureAwait(false), $"first frame of {name}"));
        }
        TimeSpan? firstAudio = null;
        if (request.Audios.Count > 0)
        {
            var audio = request.Audios[0];
            var path = await workspace.WriteAsync("audio-0", audio.Data, cancellationToken).ConfigureAwait(false);
            firstAudio = (await ffmpeg.ProbeAsync(path, SandboxRequest.NameOf(audio), cancellationToken).ConfigureAwait(false)).Duration;
        }

        SKSizeI? firstImage = null;
        if (stills.Count > 0)
        {
            using var first = SandboxInputImage.Open(stills[0].Data, stills[0].Name, budget);
            firstImage = first.UprightSize;
        }
        var plan = SandboxVideoPlan.Resolve(request, firstImage, firstVideo, firstAudio);

        string comment;
        using (var drawn = SandboxPicture.Draw(request, stills, 0, plan.Size, budget, cancellationToken))
        {
            comment = drawn.Comment;
            var still = SandboxImageFile.EncodeStill(drawn.Bitmap);
            await workspace.WriteAsync("still.png", still, cancellationToken).ConfigureAwait(false);
        }

        var output = workspace.PathOf("video.mp4");
        await ffmpeg.RunAsync(Command(workspace, plan, request.Variation, comment, output), "encode the video", cancellationToken).ConfigureAwait(false);
        return (new OutputFile("mp4", await File.ReadAllBytesAsync(output, cancellationToken).ConfigureAwait(false)), plan.Seconds);
    }

    private static FFMpegArgumentProcessor Command(SandboxWorkspace workspace, SandboxVideoPlan plan, PromptHash variation, string comment, string output)
    {
        var (w, h) = (plan.Size.Width, plan.Size.Height);
        var seconds = plan.Seconds.ToString("0.###", CultureInfo.InvariantCulture);
        var barWidth = Math.Max(2, w / 16 / 2 * 2);
        var barHeight = Math.Max(2, h / 48 / 2 * 2);
        var arguments = FFMpegArguments
            .FromFileInput(workspace.PathOf("still.png"))
            .AddFileInput($"color=c=white:s={barWidth}x{barHeight}:r={plan.Fps}:d={seconds}", false, o => o.WithCustomArgument("-f lavfi"));
        if (plan.Sound)
            arguments = arguments.AddFileInput($"sine=frequency={Tone(variation)}:sample_rate=44100:duration={seconds}", false, o => o.WithCustomArgument("-f lavfi"));

        // The still is converted once and repeated, rather than decoded again for every frame.
        var filter = $"[0:v]format=yuv420p,loop=loop=-1:size=1:start=0,setpts=N/{plan.Fps}/TB[bg];" +
                     $"[1:v]format=yuv420p[bar];[bg][bar]overlay=x='(W-w)*t/{seconds}':y=H-h:eval=frame:shortest=1[v]";
        return arguments
            .OutputToFile(output, true, o =>
            {
                o.WithCustomArgument($"-filter_complex \"{filter}\" -map \"[v]\"");
                if (plan.Sound) o.WithCustomArgument("-map 2:a -c:a aac -b:a 96k -flags:a +bitexact");
                o.WithCustomArgument($"-c:v libx264 -preset ultrafast -crf 28 -pix_fmt yuv420p -r {plan.Fps} -t {seconds} -threads {SandboxFfmpeg.Threads}")
                 .WithCustomArgument("-movflags +faststart -fflags +bitexact -flags:v +bitexact -map_metadata -1")
                 .WithCustomArgument($"-metadata \"title={SandboxMark.Software}\" -metadata \"comment={SandboxMark.Software}; {comment}\"");
            });
    }

    /// <summary>A tone between 220 and 880 Hz, whole hertz so the filter text is stable.</summary>
    internal static int Tone(PromptHash variation) => variation.Sequence().Next(220, 881);

    private static async Task<byte[]> FirstFrameAsync(SandboxFfmpeg ffmpeg, SandboxWorkspace workspace, string video, int index, string name, CancellationToken cancellationToken)
    {
        var frame = workspace.PathOf($"frame-{index}.png");
        var command = FFMpegArguments.FromFileInput(video)
            .OutputToFile(frame, true, o => o
                .WithCustomArgument($"-frames:v 1 -vf \"scale=w='min({FrameMaxSide},iw)':h=-2\" -f image2 -c:v png"));
        try
        {
            await ffmpeg.RunAsync(command, $"read a frame of {name}", cancellationToken).ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            throw new EngineException(RunHub.Client.RunHubErrorCodes.InputNotReadable, $"{name}: no frame could be read ({e.Message})");
        }
        if (!File.Exists(frame)) throw new EngineException(RunHub.Client.RunHubErrorCodes.InputNotReadable, $"{name}: the video has no frames");
        return await File.ReadAllBytesAsync(frame, cancellationToken).ConfigureAwait(false);
    }
}
