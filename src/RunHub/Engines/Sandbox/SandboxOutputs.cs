using RunHub.Client;
using SharpGLTF.Schema2;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Makes a request's results in the model's <c>output_type</c>: <c>image</c> (as many pictures as the request's count
/// parameter asks, see <see cref="Count"/>), <c>video</c> (one MP4), <c>audio</c> (one MP3 or WAV), <c>string</c> (one
/// text) or <c>3d</c> (one GLB). CPU work runs off the caller's thread.
/// </summary>
internal static class SandboxOutputs
{
    /// <summary>The most results one task returns, whatever the count parameter allows.</summary>
    public const int MaxOutputs = 16;

    /// <summary>Side of the texture a textured 3D model carries.</summary>
    public const int TextureSide = 512;

    /// <summary>One result, and what the latency model charges time for: seconds of video or audio, megapixels of a picture.</summary>
    public sealed record Made(OutputFile File, double Seconds = 0, double Megapixels = 0);

    /// <exception cref="EngineException">1007 for an unreadable size parameter, 1013 for a bad input, 1015 when encoding fails,
    /// 1010 when ffmpeg is missing for a video or audio model, 1012 for an output type the sandbox does not know.</exception>
    public static async Task<IReadOnlyList<Made>> MakeAsync(SandboxRequest request, SandboxFfmpeg ffmpeg, SandboxDecodeBudget budget, CancellationToken cancellationToken)
    {
        switch (request.Model.OutputType.Trim().ToLowerInvariant())
        {
            case "image":
                return await Task.Run(() => Images(request, budget, cancellationToken), cancellationToken).ConfigureAwait(false);
            case "video":
                var video = await SandboxVideo.MakeAsync(request, ffmpeg, budget, cancellationToken).ConfigureAwait(false);
                return [new Made(video.File, Seconds: video.Seconds)];
            case "audio":
                var audio = await SandboxAudio.MakeAsync(request, ffmpeg, cancellationToken).ConfigureAwait(false);
                return [new Made(audio, Seconds: SandboxAudio.Seconds(request))];
            case "string" or "text" or "txt":
                return [new Made(SandboxText.Make(request))];
            case "3d":
                return [await Task.Run(() => Model3d(request, budget, cancellationToken), cancellationToken).ConfigureAwait(false)];
            default:
                throw new EngineException(RunHubErrorCodes.UpstreamError,
                    $"sandbox: output_type \"{request.Model.OutputType}\" is not one the sandbox makes (image, video, audio, string, 3d)");
        }
    }

    /// <summary>
    /// How many pictures: <c>numImages</c>, <c>n</c>, <c>imageNum</c>, <c>batchSize</c>, <c>numberOfImages</c>,
    /// <c>num_images</c> or <c>imageCount</c>; or <c>maxImages</c> when <c>sequentialImageGeneration</c> is "auto"
    /// (the model may return up to that many; the sandbox returns all of them). 1 to <see cref="MaxOutputs"/>.
    /// </summary>
    public static int Count(SandboxRequest request)
    {
        var count = request.Number("numImages", "n", "imageNum", "batchSize", "numberOfImages", "num_images", "imageCount");
        if (count is null && request.Text("sequentialImageGeneration")?.ToLowerInvariant() == "auto")
            count = request.Number("maxImages");
        return (int)Math.Clamp(Math.Floor(count ?? 1), 1, MaxOutputs);
    }

    private static IReadOnlyList<Made> Images(SandboxRequest request, SandboxDecodeBudget budget, CancellationToken cancellationToken)
    {
        var extension = SandboxImageFile.ExtensionFor(request);
        var inputs = request.Stills;
        var made = new List<Made>();
        for (var i = 0; i < Count(request); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var drawn = SandboxPicture.Draw(request, inputs, i, null, budget, cancellationToken);
            var bytes = SandboxImageFile.Encode(drawn.Bitmap, extension, drawn.Comment);
            made.Add(new Made(new OutputFile(extension, bytes), Megapixels: drawn.Bitmap.Width * (double)drawn.Bitmap.Height / 1e6));
        }
        return made;
    }

    /// <summary>
    /// A textured model unless the request asks for geometry only: <c>requestType</c> "mesh", <c>generateType</c>
    /// "Geometry", <c>shouldTexture</c> false.
    /// </summary>
    private static Made Model3d(SandboxRequest request, SandboxDecodeBudget budget, CancellationToken cancellationToken)
    {
        var geometryOnly = request.Text("requestType")?.ToLowerInvariant() == "mesh"
            || request.Text("generateType")?.ToLowerInvariant() == "geometry"
            || request.Text("shouldTexture")?.ToLowerInvariant() == "false";
        byte[]? texture = null;
        string comment;
        using (var drawn = SandboxPicture.Draw(request, request.Stills, 0, new SKSizeI(TextureSide, TextureSide), budget, cancellationToken))
        {
            comment = drawn.Comment;
            if (!geometryOnly) texture = SandboxImageFile.Encode(drawn.Bitmap, "png", drawn.Comment);
        }
        return new Made(new OutputFile("glb", SandboxGlb.Write(request.Variation, comment, texture)));
    }
}
