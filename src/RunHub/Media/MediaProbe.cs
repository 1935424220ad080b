using System.Buffers.Binary;

namespace RunHub.Media;

/// <summary>
/// What <see cref="MediaProbe.Probe"/> learned about a file; Width and Height are set for readable images.
/// <see cref="Refusal"/> says why an image is refused before any decoder may see it (e.g. a PNG metadata chunk far
/// larger than any picture's), in words fit for the client.
/// </summary>
public sealed record ProbedMedia(MediaFormat? Format, int? Width = null, int? Height = null, string? Refusal = null)
{
    public string ContentType => Format?.ContentType ?? MediaFormat.UnknownContentType;

    public long? Pixels => Width is { } w && Height is { } h ? (long)w * h : null;
}

/// <summary>
/// Identifies a file by its leading bytes, never by its name or declared content type, and reads an image's
/// size with RunHub's own bounded header parsers — no decoder library runs here — so an oversized or crafted image
/// is refused before anything allocates memory or spends CPU on it. The cost is linear in the file's length and
/// small (see bench/ "input-check": every crafted input of up to 10 MB within 100 ms of CPU). The one full parse
/// of an image is the engine's, when it decodes it.
/// </summary>
public static class MediaProbe
{
    public static ProbedMedia Probe(byte[] data)
    {
        var format = DetectFormat(data);
        if (format?.Kind != MediaKind.Image) return new ProbedMedia(format);
        return ReadSize(format, data) switch
        {
            { Refusal: { } refusal } => new ProbedMedia(format, Refusal: refusal),
            { } size => new ProbedMedia(format, size.Width, size.Height),
            null => new ProbedMedia(format),
        };
    }

    public static MediaFormat? DetectFormat(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return MediaFormat.Png;
        if (data.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return MediaFormat.Jpg;
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8)) return MediaFormat.Gif;
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8)) return MediaFormat.Tiff;
        if (data.StartsWith("fLaC"u8)) return MediaFormat.Flac;
        if (data.StartsWith("OggS"u8)) return MediaFormat.Ogg;
        if (data.StartsWith("glTF"u8)) return MediaFormat.Glb;
        // A zip archive's first local file header, or the end record of an empty archive.
        if (data.StartsWith("PK\u0003\u0004"u8) || data.StartsWith("PK\u0005\u0006"u8)) return MediaFormat.Zip;
        if (data.StartsWith("ID3"u8)) return MediaFormat.Mp3;
        if (data.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3])) return MatroskaFlavour(data);
        if (data.Length >= 12 && data.StartsWith("RIFF"u8)) return RiffFlavour(data[8..12]);
        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8)) return IsoMediaFlavour(data);
        // QuickTime files from before ftyp existed open directly with a movie or data atom.
        if (data.Length >= 8 && (data[4..8].SequenceEqual("moov"u8) || data[4..8].SequenceEqual("mdat"u8) || data[4..8].SequenceEqual("wide"u8)))
            return MediaFormat.Mov;
        if (IsBitmap(data)) return MediaFormat.Bmp;
        if (data.Length >= 2 && data[0] == 0xFF && (data[1] & 0xE0) == 0xE0)
            // An MPEG audio frame header; layer bits 00 mark an ADTS (AAC) header instead.
            return (data[1] & 0x06) == 0 ? MediaFormat.Aac : MediaFormat.Mp3;
        return null;
    }

    private static MediaFormat? RiffFlavour(ReadOnlySpan<byte> form)
    {
        if (form.SequenceEqual("WEBP"u8)) return MediaFormat.Webp;
        if (form.SequenceEqual("WAVE"u8)) return MediaFormat.Wav;
        if (form.SequenceEqual("AVI "u8)) return MediaFormat.Avi;
        return null;
    }

    private static MediaFormat IsoMediaFlavour(ReadOnlySpan<byte> data)
    {
        var major = data[8..12];
        if (major.SequenceEqual("qt  "u8)) return MediaFormat.Mov;
        if (major.SequenceEqual("M4A "u8) || major.SequenceEqual("M4B "u8) || major.SequenceEqual("M4P "u8)) return MediaFormat.M4a;

        var boxSize = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(data), (uint)data.Length);
        var brands = data[8..Math.Max(12, boxSize)];
        if (HasBrand(brands, "avif"u8) || HasBrand(brands, "avis"u8)) return MediaFormat.Avif;
        if (HasBrand(brands, "heic"u8) || HasBrand(brands, "heix"u8) || HasBrand(brands, "mif1"u8) || HasBrand(brands, "msf1"u8))
            return MediaFormat.Heic;
        return MediaFormat.Mp4;
    }

    private static bool HasBrand(ReadOnlySpan<byte> brands, ReadOnlySpan<byte> brand)
    {
        for (var i = 0; i + 4 <= brands.Length; i += 4)
            if (brands.Slice(i, 4).SequenceEqual(brand)) return true;
        return false;
    }

    private static MediaFormat MatroskaFlavour(ReadOnlySpan<byte> data) =>
        data[..Math.Min(data.Length, 64)].IndexOf("webm"u8) >= 0 ? MediaFormat.Webm : MediaFormat.Mkv;

    // "BM" alone is too common a start, so also require one of the known DIB header sizes.
    private static bool IsBitmap(ReadOnlySpan<byte> data) =>
        data.Length >= 18 && data.StartsWith("BM"u8) &&
        BinaryPrimitives.ReadUInt32LittleEndian(data[14..]) is 12 or 40 or 52 or 56 or 64 or 108 or 124;

    private static ImageSize? ReadSize(MediaFormat format, ReadOnlySpan<byte> data)
    {
        if (format == MediaFormat.Png) return PngHeader.Read(data);
        if (format == MediaFormat.Jpg) return JpegHeader.Read(data);
        if (format == MediaFormat.Webp) return WebpHeader.Read(data);
        if (format == MediaFormat.Gif) return SimpleImageHeaders.ReadGif(data);
        if (format == MediaFormat.Bmp) return SimpleImageHeaders.ReadBmp(data);
        if (format == MediaFormat.Tiff) return TiffHeader.TryReadSize(data, out var w, out var h) ? new ImageSize(w, h) : null;
        if (format == MediaFormat.Heic || format == MediaFormat.Avif) return IsoImageHeader.Read(data);
        return null;
    }
}
