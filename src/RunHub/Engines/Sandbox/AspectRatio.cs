using System.Globalization;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The size vocabulary of RunningHub's registry: ratios ("16:9"), explicit sizes ("1024*1536", "1280x720"), and
/// resolution tiers ("1k", "2k", "720p"). Pure parsing, so the image and video rules share one reading.
/// </summary>
internal static class AspectRatio
{
    /// <summary>"W:H" with positive numbers (decimals allowed, e.g. "2.39:1"), as width over height.</summary>
    public static bool TryParseRatio(string? text, out double ratio)
    {
        ratio = 0;
        var parts = (text ?? "").Split(':');
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var h)
            || !(w > 0) || !(h > 0) || !double.IsFinite(w / h))
            return false;
        ratio = w / h;
        return true;
    }

    /// <summary>"W*H", "WxH" or "W×H" with whole positive sides.</summary>
    public static bool TryParseSize(string? text, out SKSizeI size)
    {
        size = default;
        var parts = (text ?? "").Split('*', 'x', 'X', '×');
        if (parts.Length == 2
            && int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && w > 0 && h > 0)
        {
            size = new SKSizeI(w, h);
            return true;
        }
        return false;
    }

    /// <summary>Values that ask the model to choose the shape itself (from its input, or its default).</summary>
    public static bool IsAutomatic(string? text) =>
        text?.Trim().ToLowerInvariant() is "auto" or "adaptive" or "empty" or "match_input_image" or "original";

    /// <summary>Image tiers: "1k" is a long side of 1024 pixels, "2k" 2048, ... "8k" 8192.</summary>
    public static int? ImageTierLongSide(string? text)
    {
        var t = text?.Trim().ToLowerInvariant() ?? "";
        return t.Length >= 2 && t[^1] == 'k' && int.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k is >= 1 and <= 16
            ? k * 1024
            : null;
    }

    /// <summary>Video tiers by their short side: "720p" (also "720P", "native720p") is 720; "2k" 1440; "4k" 2160.</summary>
    public static int? VideoTierShortSide(string? text)
    {
        var t = text?.Trim().ToLowerInvariant() ?? "";
        if (t.StartsWith("native", StringComparison.Ordinal)) t = t["native".Length..];
        if (t.Length >= 2 && t[^1] == 'p' && int.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 144 and <= 4320)
            return p;
        return t switch { "1k" => 1080, "2k" => 1440, "4k" => 2160, "8k" => 4320, _ => null };
    }

    /// <summary>A size of this ratio whose long side is <paramref name="longSide"/>, both sides rounded to <paramref name="multiple"/>.</summary>
    public static SKSizeI WithLongSide(double ratio, int longSide, int multiple) => ratio >= 1
        ? new SKSizeI(Round(longSide, multiple), Round(longSide / ratio, multiple))
        : new SKSizeI(Round(longSide * ratio, multiple), Round(longSide, multiple));

    /// <summary>A size of this ratio whose short side is <paramref name="shortSide"/>, both sides rounded to <paramref name="multiple"/>.</summary>
    public static SKSizeI WithShortSide(double ratio, int shortSide, int multiple) => ratio >= 1
        ? new SKSizeI(Round(shortSide * ratio, multiple), Round(shortSide, multiple))
        : new SKSizeI(Round(shortSide, multiple), Round(shortSide / ratio, multiple));

    /// <summary>Among <paramref name="candidates"/> (ratios), the one closest to <paramref name="aspect"/> on a log scale; ties go to the earlier one.</summary>
    public static double Closest(double aspect, IEnumerable<double> candidates)
    {
        double? best = null;
        foreach (var candidate in candidates)
            if (best is null || Math.Abs(Math.Log(aspect / candidate)) < Math.Abs(Math.Log(aspect / best.Value)))
                best = candidate;
        return best ?? aspect;
    }

    /// <summary>Shrinks <paramref name="size"/> (aspect kept) until it has at most <paramref name="maxPixels"/> and no side over <paramref name="maxSide"/>.</summary>
    public static SKSizeI Fit(SKSizeI size, long maxPixels, int maxSide, int multiple)
    {
        var scale = Math.Min(1.0, Math.Min(Math.Sqrt((double)maxPixels / ((long)size.Width * size.Height)), (double)maxSide / Math.Max(size.Width, size.Height)));
        if (scale >= 1) return size;
        return new SKSizeI(Math.Max(multiple, (int)(size.Width * scale) / multiple * multiple), Math.Max(multiple, (int)(size.Height * scale) / multiple * multiple));
    }

    private static int Round(double value, int multiple) => Math.Max(multiple, (int)Math.Round(value / multiple) * multiple);
}
