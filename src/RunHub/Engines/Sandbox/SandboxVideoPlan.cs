using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The shape of a sandbox video, from the registry's video parameters:
/// <list type="bullet">
/// <item>length: <c>duration</c> (or <c>seconds</c>, <c>length</c>) when above 0; else the first video input's length,
/// else the first audio input's; else 5 s. At most <see cref="MaxSeconds"/>.</item>
/// <item>frame rate: <c>targetFps</c> (or <c>fps</c>, <c>frameRate</c>), else 24.</item>
/// <item>size: <c>resolution</c> or <c>size</c> "W*H" exactly; else a tier ("480p", "720P", "1080p", "2k" = 1440p,
/// "4k" = 2160p; also <c>targetResolution</c>) as the short side, at the ratio of <c>aspectRatio</c>/<c>ratio</c>
/// ("16:9"; "adaptive"/"auto" or none: the first input image's or video's aspect, else 16:9). No tier: the input
/// video's short side (at most 1080), else 720. Sides are even (H.264 4:2:0), at most 3840×2160 worth of pixels.</item>
/// <item>sound: an AAC track when <c>sound</c>, <c>generateAudio</c>, <c>audio</c>, <c>generateAudioSwitch</c>,
/// <c>enableAudio</c>, <c>bgm</c> or <c>keepOriginalSound</c> is on, or an audio input is given.</item>
/// </list>
/// </summary>
internal sealed record SandboxVideoPlan(SKSizeI Size, double Seconds, int Fps, bool Sound)
{
    public const double DefaultSeconds = 5;
    public const double MaxSeconds = 60;
    public const int DefaultFps = 24;
    public const int DefaultShortSide = 720;
    private const long MaxPixels = 3840L * 2160;

    /// <param name="firstImage">Upright size of the first image input.</param>
    /// <param name="firstVideo">Length and size of the first video input, as ffprobe read them.</param>
    /// <param name="firstAudio">Length of the first audio input.</param>
    public static SandboxVideoPlan Resolve(SandboxRequest request, SKSizeI? firstImage, (TimeSpan? Duration, int? Width, int? Height)? firstVideo, TimeSpan? firstAudio)
    {
        var asked = request.Number("duration", "seconds", "length");
        var seconds = asked > 0 ? asked.Value : firstVideo?.Duration?.TotalSeconds ?? firstAudio?.TotalSeconds ?? DefaultSeconds;
        seconds = Math.Clamp(seconds, 0.5, MaxSeconds);
        var fps = (int)Math.Clamp(Math.Round(request.Number("targetFps", "fps", "frameRate") ?? DefaultFps), 1, 60);

        var sound = request.IsOn("sound", "generateAudio", "audio", "generateAudioSwitch", "enableAudio", "bgm", "keepOriginalSound")
            || request.Audios.Count > 0;
        return new SandboxVideoPlan(SizeFor(request, firstImage, firstVideo), seconds, fps, sound);
    }

    private static SKSizeI SizeFor(SandboxRequest request, SKSizeI? firstImage, (TimeSpan? Duration, int? Width, int? Height)? firstVideo)
    {
        var resolution = request.Text("resolution", "targetResolution", "size");
        if (AspectRatio.TryParseSize(resolution, out var exact))
            return AspectRatio.Fit(Even(exact), MaxPixels, 4096, 2);

        SKSizeI? videoSize = firstVideo is { Width: { } w and > 0, Height: { } h and > 0 } ? new SKSizeI(w, h) : null;
        var inputShape = firstImage ?? videoSize;
        var ratioText = request.Text("aspectRatio", "ratio");
        double ratio;
        if (AspectRatio.TryParseRatio(ratioText, out var askedRatio)) ratio = askedRatio;
        else if (inputShape is { Width: > 0, Height: > 0 } shape) ratio = (double)shape.Width / shape.Height;
        else ratio = 16.0 / 9;

        var shortSide = AspectRatio.VideoTierShortSide(resolution)
            ?? (videoSize is { } v ? Math.Min(1080, Math.Min(v.Width, v.Height)) : DefaultShortSide);
        return AspectRatio.Fit(AspectRatio.WithShortSide(ratio, shortSide, 2), MaxPixels, 4096, 2);
    }

    private static SKSizeI Even(SKSizeI size) => new(Math.Max(2, size.Width / 2 * 2), Math.Max(2, size.Height / 2 * 2));
}
