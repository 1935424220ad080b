using System.Globalization;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// The ComfyUI releases RunHub runs on: from <see cref="Oldest"/> (the oldest release tested; its quirks are handled)
/// up to, not including, <see cref="Next"/> (a new minor release may change the API). A server reports its release
/// in <c>GET /system_stats</c> as <c>system.comfyui_version</c>. docs/comfyui.md states the same range.
/// </summary>
internal static class ComfyUiVersion
{
    public static readonly Version Oldest = new(0, 3, 44);
    public static readonly Version Next = new(0, 4, 0);

    public static string Range => $"{Oldest} up to (not including) {Next}";

    /// <summary>Null when <paramref name="reported"/> is a supported release; else why the server is refused.</summary>
    public static string? Problem(Uri server, string? reported)
    {
        if (string.IsNullOrWhiteSpace(reported))
            return $"ComfyUI at {server} does not report its version in /system_stats (older than {Oldest}?); RunHub supports ComfyUI {Range}";
        var version = Parse(reported);
        if (version is null)
            return $"ComfyUI at {server} reports the version \"{Cap(reported)}\", which is not a release number; RunHub supports ComfyUI {Range}";
        if (version < Oldest)
            return $"ComfyUI at {server} is version {reported}, older than {Oldest}; RunHub supports ComfyUI {Range}: update it";
        if (version >= Next)
            return $"ComfyUI at {server} is version {reported}, newer than RunHub was tested with; RunHub supports ComfyUI {Range}";
        return null;
    }

    /// <summary>"0.3.64" (also "v0.3.64" and "0.3.64-rc1") as a version; null when it is not one.</summary>
    public static Version? Parse(string text)
    {
        var core = text.Trim().TrimStart('v', 'V');
        var end = core.IndexOfAny(['-', '+', ' ']);
        if (end >= 0) core = core[..end];
        var parts = core.Split('.');
        if (parts.Length is < 2 or > 4) return null;
        var numbers = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return null;
        return new Version(numbers[0], numbers[1], numbers.Length > 2 ? numbers[2] : 0);
    }

    private static string Cap(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
