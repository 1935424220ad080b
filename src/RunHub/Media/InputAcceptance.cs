using System.Globalization;
using RunHub.Catalog;

namespace RunHub.Media;

/// <summary>Checks fetched bytes against the parameter they were given for: format, kind and pixel budget.</summary>
internal static class InputAcceptance
{
    public static (MediaFormat Format, int? Width, int? Height) Check(byte[] data, ParameterSpec spec, long maxImagePixels)
    {
        var probed = MediaProbe.Probe(data);
        var expected = ExpectedKind(spec.Type);

        if (probed.Format is not { } format)
            throw new FetchRefusedException(expected switch
            {
                MediaKind.Image => "not a readable image",
                MediaKind.Video => "not a recognised video file",
                MediaKind.Audio => "not a recognised audio file",
                _ => "not a recognised file format",
            });

        if (spec.Accept.Count > 0)
        {
            if (!spec.Accept.Any(accepted => Matches(format, accepted, spec.Type)))
                throw new FetchRefusedException($"{format.Name} is not an accepted format ({string.Join(", ", spec.Accept)})");
        }
        else if (expected is { } kind && format.Kind != kind)
        {
            throw new FetchRefusedException($"{format.Name} is not {Article(kind)} {MediaFormat.UploadTypeOf(kind)} format");
        }

        if (format.Kind == MediaKind.Image)
        {
            if (probed.Refusal is { } refusal) throw new FetchRefusedException(refusal);
            if (probed.Pixels is not { } pixels) throw new FetchRefusedException("not a readable image");
            if (pixels > maxImagePixels)
                throw new FetchRefusedException(string.Create(CultureInfo.InvariantCulture,
                    $"image is {probed.Width}×{probed.Height} ({pixels:N0} pixels), more than the {maxImagePixels:N0} allowed"));
        }
        return (format, probed.Width, probed.Height);
    }

    private static bool Matches(MediaFormat format, string accepted, ParameterType type)
    {
        var named = MediaFormat.Find(accepted);
        if (named == format) return true;
        // Audio-only MP4 files often carry a generic brand (isom, mp42) rather than M4A.
        if (type == ParameterType.Audio && named == MediaFormat.M4a && format == MediaFormat.Mp4) return true;
        return named is null && string.Equals(accepted.Trim(), format.Name, StringComparison.OrdinalIgnoreCase);
    }

    private static MediaKind? ExpectedKind(ParameterType type) => type switch
    {
        ParameterType.Image => MediaKind.Image,
        ParameterType.Video => MediaKind.Video,
        ParameterType.Audio => MediaKind.Audio,
        _ => null,
    };

    private static string Article(MediaKind kind) => kind is MediaKind.Image or MediaKind.Audio ? "an" : "a";
}
