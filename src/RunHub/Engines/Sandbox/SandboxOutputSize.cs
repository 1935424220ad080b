using RunHub.Client;
using RunHub.Catalog;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The picture size the model being stood in for would return, from the registry's size parameters (first match wins):
/// <list type="number">
/// <item><c>size</c> "W*H" / "WxH": exactly that; "auto" as below.</item>
/// <item><c>width</c> and <c>height</c>: exactly that.</item>
/// <item>upscalers: <c>scale</c> ("2x"), <c>upscale</c> (a factor), <c>shortEdgeSize</c>/<c>longEdgeSize</c>: the first input scaled.</item>
/// <item><c>aspectRatio</c> (or <c>ratio</c>) "W:H", with <c>resolution</c> "1k".."8k" as the long side (1024 × k);
/// without a resolution the short side is 1024 (1:1 → 1024×1024, 3:2 → 1536×1024, 16:9 → 1824×1024).
/// "auto"/"adaptive": of the model's own ratios, the one closest to the first input image.</item>
/// <item><c>resolution</c> alone: that long side at the first input's aspect (square without one).</item>
/// <item>nothing: the first input's size, else 1024×1024.</item>
/// </list>
/// Ratio-derived sides are multiples of 8. A size above <see cref="MaxPixels"/> or <see cref="MaxSide"/> is rendered
/// smaller with the same aspect (the file's metadata says so): a stand-in has no business allocating poster canvases.
/// </summary>
internal static class SandboxOutputSize
{
    public static readonly SKSizeI Square = new(1024, 1024);

    /// <summary>The most pixels the sandbox renders per picture (4096 × 4096, 64 MB as RGBA).</summary>
    public const long MaxPixels = 4096L * 4096;

    public const int MaxSide = 8192;

    /// <summary>The smallest side rendered, so a tiny request still gives a picture a reader can open.</summary>
    public const int MinSide = 16;

    private const int Multiple = 8;

    /// <summary>What was asked for, and what is drawn (the same unless the request is above the caps).</summary>
    public sealed record Plan(SKSizeI Requested, SKSizeI Rendered)
    {
        public bool IsReduced => Requested != Rendered;
    }

    /// <param name="firstInput">Upright size of the first input image, when there is one.</param>
    /// <exception cref="EngineException">1007 when a size parameter holds something the rules above cannot read.</exception>
    public static Plan Resolve(SandboxRequest request, SKSizeI? firstInput)
    {
        var requested = Requested(request, firstInput);
        var clamped = new SKSizeI(Math.Max(MinSide, requested.Width), Math.Max(MinSide, requested.Height));
        return new Plan(requested, AspectRatio.Fit(clamped, MaxPixels, MaxSide, 1));
    }

    private static SKSizeI Requested(SandboxRequest request, SKSizeI? firstInput)
    {
        if (request.Text("size") is { } size)
        {
            if (AspectRatio.TryParseSize(size, out var exact)) return exact;
            if (!AspectRatio.IsAutomatic(size) && !AspectRatio.TryParseRatio(size, out _))
                throw Invalid("size", size, "WIDTH*HEIGHT (e.g. 1024*1536) or auto");
            if (AspectRatio.TryParseRatio(size, out var sizeRatio)) return AspectRatio.WithShortSide(sizeRatio, 1024, Multiple);
            return Auto(request, firstInput, null);
        }
        if (request.Number("width") is { } width && request.Number("height") is { } height && width >= 1 && height >= 1)
            return new SKSizeI((int)Math.Min(width, MaxSide * 4), (int)Math.Min(height, MaxSide * 4));
        if (Upscaled(request, firstInput) is { } upscaled) return upscaled;

        var tier = AspectRatio.ImageTierLongSide(request.Text("resolution"));
        if (request.Text("aspectRatio", "ratio") is { } ratioText)
        {
            if (AspectRatio.TryParseSize(ratioText, out var exact)) return exact;
            if (AspectRatio.TryParseRatio(ratioText, out var ratio)) return Shape(ratio, tier);
            if (AspectRatio.IsAutomatic(ratioText)) return Auto(request, firstInput, tier);
            throw Invalid("aspectRatio", ratioText, "a ratio such as 16:9, a size such as 1280x720, or auto");
        }
        if (tier is not null)
            return Shape(firstInput is { } f ? (double)f.Width / f.Height : 1, tier);
        return firstInput ?? Square;
    }

    /// <summary>With a tier the long side is fixed; without one the short side is 1024.</summary>
    private static SKSizeI Shape(double ratio, int? tier) => tier is { } longSide
        ? AspectRatio.WithLongSide(ratio, longSide, Multiple)
        : AspectRatio.WithShortSide(ratio, 1024, Multiple);

    /// <summary>"auto": the model's own listed ratio closest to the first input (1:1, 3:2, 2:3 when it lists none).</summary>
    private static SKSizeI Auto(SandboxRequest request, SKSizeI? firstInput, int? tier)
    {
        if (firstInput is not { Width: > 0, Height: > 0 } input) return Shape(1, tier);
        var listed = request.Model.Parameters
            .Where(p => p.FieldKey is "aspectRatio" or "ratio" or "size")
            .SelectMany(p => p.Options)
            .Select(o => AspectRatio.TryParseRatio(o, out var r) ? r : AspectRatio.TryParseSize(o, out var s) ? (double)s.Width / s.Height : 0)
            .Where(r => r > 0)
            .ToList();
        var ratio = AspectRatio.Closest((double)input.Width / input.Height, listed.Count > 0 ? listed : [1.0, 1.5, 2.0 / 3]);
        return Shape(ratio, tier);
    }

    private static SKSizeI? Upscaled(SandboxRequest request, SKSizeI? firstInput)
    {
        double? factor = request.Text("scale") is { } scale && double.TryParse(scale.TrimEnd('x', 'X'), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : request.Number("upscale");
        var shortEdge = Positive(request.Number("shortEdgeSize"));
        var longEdge = Positive(request.Number("longEdgeSize"));
        if (factor is null && shortEdge is null && longEdge is null) return null;

        var input = firstInput ?? Square;
        var multiplier = shortEdge is { } sh ? sh / Math.Min(input.Width, input.Height)
            : longEdge is { } lo ? lo / Math.Max(input.Width, input.Height)
            : factor!.Value;
        return new SKSizeI((int)Math.Round(input.Width * multiplier), (int)Math.Round(input.Height * multiplier));
    }

    // The registry writes -1 for "not set" in its edge sizes.
    private static double? Positive(double? value) => value > 0 ? value : null;

    private static EngineException Invalid(string field, string value, string expected) =>
        new(RunHubErrorCodes.InvalidParameters, $"{field}: {JsonValueText.Quote(value)} is not a size the sandbox can read (expected {expected})");
}
