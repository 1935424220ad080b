using System.Buffers.Binary;
using System.Text;
using RunHub.Engines.Sandbox;
using SkiaSharp;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// Hostile inputs of at most 10 MB (the seed model's <c>maxSize</c>), each built to make a naive image check slow:
/// the 16×16 PNG with one 10 MB ancillary chunk, and the same idea spread over many chunks, segments,
/// sub-blocks and boxes of every image format RunHub reads a size from. Shared by the <c>input-check</c> benchmark
/// row and the tests that check each one is answered (accepted or refused) by the header parsers alone.
/// </summary>
public static class CraftedInputs
{
    /// <summary>10 MB: the seed model's <c>maxSize</c>, the largest input RunHub checks by default.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    private static readonly (string Name, Func<byte[]> Build)[] Recipes =
    [
        ("png-one-10mb-text-chunk", () => Png([Chunk("tEXt", TextPayload(MaxBytes - 512))])),
        ("png-one-10mb-private-chunk", () => Png([Chunk("prVt", new byte[MaxBytes - 512])])),
        ("png-159-text-chunks-of-64kb", () => Png(Enumerable.Repeat(Chunk("tEXt", TextPayload(64 * 1024)), 159))),
        ("png-870k-empty-chunks", () => Png(Enumerable.Repeat(Chunk("prVt", []), (MaxBytes - 512) / 12))),
        ("png-10mb-of-noise", NoisePng),
        ("jpeg-159-app-segments-of-64kb", () => Jpeg(Enumerable.Repeat(Segment(0xEF, 65533), 159))),
        ("jpeg-2.6m-comment-segments", () => Jpeg(Enumerable.Repeat(Segment(0xFE, 0), (MaxBytes - 1024) / 4))),
        ("gif-5m-sub-blocks-before-the-frame", () => GifWithSubBlocks((MaxBytes - 1024) / 2)),
        ("webp-10mb-exif-chunk", () => WebpWithExif(MaxBytes - 1024)),
        ("tiff-65535-directory-entries", () => TiffWithEntries(65535)),
        ("heic-1.3m-empty-boxes", () => HeicWithBoxes((MaxBytes - 1024) / 8)),
    ];

    /// <summary>The names, in the order the benchmark reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = Recipes.Select(r => r.Name).ToList();

    /// <summary>The crafted file of this name (built on each call: they are large), at most <see cref="MaxBytes"/>.</summary>
    public static byte[] Build(string name) => Recipes.Single(r => r.Name == name).Build();

    private static readonly byte[] SmallPng = Encode(16, 16, SKEncodedImageFormat.Png);
    private static readonly byte[] SmallJpeg = Encode(16, 16, SKEncodedImageFormat.Jpeg);

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.SteelBlue);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>The 16×16 PNG with <paramref name="chunks"/> right after IHDR (signature 8 + IHDR 25 bytes).</summary>
    private static byte[] Png(IEnumerable<byte[]> chunks) => Join([SmallPng[..33], .. chunks, SmallPng[33..]]);

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), PngCrc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static byte[] TextPayload(int length)
    {
        var payload = new byte[length];
        payload.AsSpan().Fill((byte)'a');
        "Comment\0"u8.CopyTo(payload);
        return payload;
    }

    /// <summary>An ordinary but large PNG: noise does not compress, so about 1,800 × 1,450 pixels fill 10 MB.</summary>
    private static byte[] NoisePng()
    {
        using var bitmap = new SKBitmap(1800, 1450, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var random = new Random(11);
        random.NextBytes(bitmap.GetPixelSpan());
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte[] Jpeg(IEnumerable<byte[]> segments) => Join([SmallJpeg[..2], .. segments, SmallJpeg[2..]]);

    private static byte[] Segment(byte marker, int payload)
    {
        var segment = new byte[4 + payload];
        segment[0] = 0xFF;
        segment[1] = marker;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload + 2));
        return segment;
    }

    /// <summary>A GIF whose logical screen is 0 × 0, so its size is read from the frame after an extension of one-byte sub-blocks.</summary>
    private static byte[] GifWithSubBlocks(int count)
    {
        byte[] header = [.. "GIF89a"u8, 0, 0, 0, 0, 0, 0, 0, 0x21, 0xFE]; // screen 0 × 0, no colour table; a comment extension
        var subBlocks = new byte[count * 2 + 1];
        for (var i = 0; i < count; i++) (subBlocks[2 * i], subBlocks[2 * i + 1]) = (1, (byte)'x');
        byte[] frame = [0x2C, 0, 0, 0, 0, 16, 0, 16, 0, 0, 2, 2, 0x4C, 0x01, 0, 0x3B];
        return Join([header, subBlocks, frame]);
    }

    private static byte[] WebpWithExif(int exifBytes)
    {
        var vp8x = new byte[18];
        vp8x[8] = 0x08; // EXIF present
        vp8x[12] = 15; // canvas 16 × 16 (stored minus one)
        vp8x[15] = 15;
        BinaryPrimitives.WriteUInt32LittleEndian(vp8x.AsSpan(4), 10);
        "VP8X"u8.CopyTo(vp8x);
        var exif = new byte[8 + exifBytes];
        "EXIF"u8.CopyTo(exif);
        BinaryPrimitives.WriteUInt32LittleEndian(exif.AsSpan(4), (uint)exifBytes);
        "II*\0"u8.CopyTo(exif.AsSpan(8));
        var body = Join(["WEBP"u8.ToArray(), vp8x, exif]);
        var riff = new byte[8];
        "RIFF"u8.CopyTo(riff);
        BinaryPrimitives.WriteUInt32LittleEndian(riff.AsSpan(4), (uint)body.Length);
        return Join([riff, body]);
    }

    private static byte[] TiffWithEntries(ushort entries)
    {
        var tiff = new byte[8 + 2 + entries * 12 + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), entries);
        return tiff; // every entry tag 0: none is the width or the height
    }

    private static byte[] HeicWithBoxes(int count)
    {
        var ftyp = Box("ftyp", [.. "heic"u8, 0, 0, 0, 0, .. "mif1heic"u8]);
        var free = Box("free", []);
        var meta = Box("meta", Join([new byte[4], .. Enumerable.Repeat(free, count)]));
        return Join([ftyp, meta]);
    }

    private static byte[] Box(string type, byte[] content)
    {
        var box = new byte[8 + content.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        content.CopyTo(box, 8);
        return box;
    }

    private static byte[] Join(IEnumerable<byte[]> parts)
    {
        var all = parts.ToList();
        var joined = new byte[all.Sum(p => (long)p.Length)];
        var at = 0;
        foreach (var part in all)
        {
            part.CopyTo(joined, at);
            at += part.Length;
        }
        return joined;
    }
}
