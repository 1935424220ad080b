using RunHub.Client;
using System.Globalization;
using System.Text.Json;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The output size the model being stood in for would produce: <c>aspectRatio</c> (auto, 1:1, 3:2, 2:3)
/// as in the seed model, or <c>size</c> ("1024*1536") as in the registry's gpt-image models.
/// </summary>
internal static class SandboxOutputSize
{
    public static readonly SKSizeI Square = new(1024, 1024);
    public static readonly SKSizeI Landscape = new(1536, 1024);
    public static readonly SKSizeI Portrait = new(1024, 1536);

    /// <summary>Bounds on an explicit <c>size</c>: a stand-in has no business allocating poster-sized canvases.</summary>
    public const int MinSide = 64;
    public const int MaxSide = 4096;

    // In order of preference: a tie under "auto" goes to the earlier one.
    private static readonly SKSizeI[] AutoCandidates = [Square, Landscape, Portrait];

    /// <param name="firstInput">Upright size of the first input image, when there is one.</param>
    public static SKSizeI Resolve(IReadOnlyDictionary<string, JsonElement> parameters, SKSizeI? firstInput)
    {
        if (TryGetText(parameters, "size", out var size))
            return ParseSize(size, firstInput);
        if (TryGetText(parameters, "aspectRatio", out var ratio))
            return ParseAspectRatio(ratio, firstInput);
        throw new EngineException(RunHubErrorCodes.InvalidParameters, "sandbox: no output size: expected aspectRatio (auto, 1:1, 3:2, 2:3) or size (e.g. 1024*1536)");
    }

    /// <summary>The one of 1:1, 3:2, 2:3 closest to the input's aspect, measured on a log scale so wide and tall are treated alike.</summary>
    public static SKSizeI ClosestTo(SKSizeI? input)
    {
        if (input is not { Width: > 0, Height: > 0 } s) return Square;
        var aspect = Math.Log((double)s.Width / s.Height);
        var best = AutoCandidates[0];
        foreach (var candidate in AutoCandidates)
            if (Math.Abs(aspect - LogAspect(candidate)) < Math.Abs(aspect - LogAspect(best)))
                best = candidate;
        return best;
    }

    private static SKSizeI ParseAspectRatio(string ratio, SKSizeI? firstInput) => ratio switch
    {
        "1:1" => Square,
        "3:2" => Landscape,
        "2:3" => Portrait,
        "auto" => ClosestTo(firstInput),
        _ => throw new EngineException(RunHubErrorCodes.InvalidParameters, $"aspectRatio: '{ratio}' is not supported by the sandbox engine (expected auto, 1:1, 3:2 or 2:3)"),
    };

    private static SKSizeI ParseSize(string size, SKSizeI? firstInput)
    {
        if (size.Equals("auto", StringComparison.OrdinalIgnoreCase)) return ClosestTo(firstInput);

        var parts = size.Split('*', 'x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height))
        {
            if (width is >= MinSide and <= MaxSide && height is >= MinSide and <= MaxSide)
                return new SKSizeI(width, height);
            throw new EngineException(RunHubErrorCodes.InvalidParameters, $"size: '{size}' is outside what the sandbox engine renders ({MinSide} to {MaxSide} pixels a side)");
        }
        throw new EngineException(RunHubErrorCodes.InvalidParameters, $"size: '{size}' is not of the form WIDTH*HEIGHT (e.g. 1024*1536)");
    }

    private static bool TryGetText(IReadOnlyDictionary<string, JsonElement> parameters, string key, out string text)
    {
        text = "";
        if (!parameters.TryGetValue(key, out var value) || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return false;
        if (value.ValueKind != JsonValueKind.String)
            throw new EngineException(RunHubErrorCodes.InvalidParameters, $"{key}: expected a string, got {value.ValueKind}");
        text = value.GetString()!.Trim();
        return text.Length > 0;
    }

    private static double LogAspect(SKSizeI size) => Math.Log((double)size.Width / size.Height);
}
