using System.Text.RegularExpressions;

namespace RunHub.Catalog;

/// <summary>What one unit of a price buys.</summary>
public enum PriceUnitKind
{
    /// <summary>"/次": each task.</summary>
    PerCall,
    /// <summary>"/秒", "/second", "/5秒", "/秒起": each (block of) output seconds.</summary>
    PerSecond,
    /// <summary>"/张": each output image.</summary>
    PerImage,
    /// <summary>"/1000字符": each (started) block of input characters.</summary>
    PerCharacters,
}

/// <summary>A pricing file's <c>unit</c>, e.g. "/次" or "/5秒": a kind and a block size (5 seconds, 1000 characters).</summary>
public sealed partial record PriceUnit(PriceUnitKind Kind, int BlockSize = 1)
{
    public static readonly PriceUnit PerCall = new(PriceUnitKind.PerCall);

    /// <summary>
    /// Null for a unit RunHub cannot compute, such as the public file's "/参考视频秒+0.001/次起"
    /// (per second of reference video plus a per-call part). "/秒起" ("per second, from") is read as
    /// per second: the rules already give the per-second rate of each resolution.
    /// </summary>
    public static PriceUnit? Parse(string? unit)
    {
        var match = Shape().Match(unit ?? "");
        if (!match.Success) return null;
        var block = match.Groups["n"].Success ? int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
        if (block <= 0) return null;
        var kind = match.Groups["what"].Value.ToLowerInvariant() switch
        {
            "次" or "call" or "request" or "task" or "run" => PriceUnitKind.PerCall,
            "秒" or "s" or "sec" or "second" or "seconds" => PriceUnitKind.PerSecond,
            "张" or "image" or "images" => PriceUnitKind.PerImage,
            "字符" or "char" or "chars" or "character" or "characters" => PriceUnitKind.PerCharacters,
            _ => (PriceUnitKind?)null,
        };
        if (kind is null) return null;
        if (block != 1 && kind is PriceUnitKind.PerCall or PriceUnitKind.PerImage) return null;
        return new PriceUnit(kind.Value, block);
    }

    [GeneratedRegex(@"^\s*/\s*(?<n>\d{1,7})?\s*(?<what>[^\d\s/起]+)\s*(起)?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
