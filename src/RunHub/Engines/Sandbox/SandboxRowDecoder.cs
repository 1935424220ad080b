using System.Runtime.InteropServices;
using RunHub.Client;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Decodes an image one row at a time and averages the rows into a smaller bitmap as they arrive (a box filter), so
/// memory is the target bitmap plus one stored row, whatever the image's stored size. Used for formats Skia cannot
/// decode at a smaller scale (PNG, GIF, BMP) when decoding them whole would pass the sandbox's budget.
/// </summary>
internal static class SandboxRowDecoder
{
    /// <returns>The bitmap, or null when the codec cannot hand out rows from top to bottom.</returns>
    /// <exception cref="EngineException">1013 when the data ends early or is broken.</exception>
    public static SKBitmap? DecodeScaled(SKCodec codec, SKSizeI target, string name)
    {
        var full = codec.Info.Size;
        var rowInfo = new SKImageInfo(full.Width, 1, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (codec.StartScanlineDecode(new SKImageInfo(full.Width, full.Height, SKColorType.Rgba8888, SKAlphaType.Premul)) != SKCodecResult.Success
            || codec.ScanlineOrder != SKCodecScanlineOrder.TopDown)
            return null;

        var bitmap = new SKBitmap(new SKImageInfo(target.Width, target.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var row = Marshal.AllocHGlobal(rowInfo.RowBytes);
        try
        {
            // Which target column each stored column falls into, and how many stored columns each target column takes.
            var columnOf = new int[full.Width];
            var columnCount = new int[target.Width];
            for (var x = 0; x < full.Width; x++)
            {
                columnOf[x] = (int)((long)x * target.Width / full.Width);
                columnCount[columnOf[x]]++;
            }
            var sums = new long[target.Width * 4];
            var rowBytes = new byte[rowInfo.RowBytes];
            var pixels = bitmap.GetPixelSpan();
            var rowsInTarget = 0;
            var targetRow = 0;
            for (var y = 0; y < full.Height; y++)
            {
                if (codec.GetScanlines(row, 1, rowInfo.RowBytes) != 1)
                    throw new EngineException(RunHubErrorCodes.InputNotReadable, $"{name}: not a decodable image (the data ends early)");
                Marshal.Copy(row, rowBytes, 0, rowBytes.Length);
                for (var x = 0; x < full.Width; x++)
                {
                    var at = columnOf[x] * 4;
                    sums[at] += rowBytes[x * 4];
                    sums[at + 1] += rowBytes[x * 4 + 1];
                    sums[at + 2] += rowBytes[x * 4 + 2];
                    sums[at + 3] += rowBytes[x * 4 + 3];
                }
                rowsInTarget++;
                var next = (int)((long)(y + 1) * target.Height / full.Height);
                if (next == targetRow && y + 1 < full.Height) continue;
                WriteRow(pixels.Slice(targetRow * bitmap.RowBytes, target.Width * 4), sums, columnCount, rowsInTarget);
                Array.Clear(sums);
                rowsInTarget = 0;
                targetRow = next;
            }
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
        finally
        {
            Marshal.FreeHGlobal(row);
        }
    }

    private static void WriteRow(Span<byte> target, long[] sums, int[] columnCount, int rows)
    {
        for (var x = 0; x < columnCount.Length; x++)
        {
            var count = (long)columnCount[x] * rows;
            if (count == 0) continue;
            for (var c = 0; c < 4; c++)
                target[x * 4 + c] = (byte)((sums[x * 4 + c] + count / 2) / count);
        }
    }
}
