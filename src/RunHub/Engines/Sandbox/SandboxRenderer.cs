using RunHub.Client;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Draws the sandbox picture: a gradient from the prompt hash, then either the input images laid side by
/// side (each contained in an equal column) or, with no inputs, a pattern of stripes and circles placed
/// from the hash; then the prompt's colour grade over everything. No text is drawn: the server has no fonts.
/// Encoding (PNG, JPEG, WebP) is <see cref="SandboxImageFile"/>'s.
/// </summary>
internal static class SandboxRenderer
{
    /// <summary>The picture, opaque RGBA without a colour space; the caller disposes it.</summary>
    public static SKBitmap Render(SKSizeI size, PromptHash prompt, IReadOnlyList<SandboxInputImage> inputs, CancellationToken cancellationToken)
    {
        // Opaque, so a PNG is written as RGB, and no colour space, so nothing is converted on the way out.
        var bitmap = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        try
        {
            using var canvas = new SKCanvas(bitmap);
            canvas.Clear(SKColors.Black);
            var sequence = prompt.Sequence();
            var grade = SandboxGrade.From(sequence);
            using var gradePaint = new SKPaint();
            using var gradeFilter = grade.ToColorFilter();
            gradePaint.ColorFilter = gradeFilter;

            // The layer collects the picture; restoring it applies the grade to all of it at once.
            canvas.SaveLayer(gradePaint);
            DrawGradient(canvas, size, sequence);
            if (inputs.Count == 0)
                DrawPattern(canvas, size, sequence);
            else
                DrawInputs(canvas, size, inputs, cancellationToken);
            canvas.Restore();
            cancellationToken.ThrowIfCancellationRequested();
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    private static void DrawGradient(SKCanvas canvas, SKSizeI size, HashSequence sequence)
    {
        var from = SKColor.FromHsv(sequence.Range(0, 360), sequence.Range(35, 75), sequence.Range(55, 90));
        // The second hue sits a third to two thirds of the wheel away, so the gradient is never flat.
        var to = SKColor.FromHsv((from.Hue + sequence.Range(120, 240)) % 360, sequence.Range(35, 75), sequence.Range(30, 70));
        var angle = sequence.Range(0, MathF.Tau);
        var half = new SKPoint(MathF.Cos(angle) * size.Width / 2, MathF.Sin(angle) * size.Height / 2);
        var centre = new SKPoint(size.Width / 2f, size.Height / 2f);

        using var shader = SKShader.CreateLinearGradient(centre - half, centre + half, [from, to], SKShaderTileMode.Clamp);
        using var paint = new SKPaint();
        paint.Shader = shader;
        canvas.DrawRect(SKRect.Create(size.Width, size.Height), paint);
    }

    private static void DrawInputs(SKCanvas canvas, SKSizeI size, IReadOnlyList<SandboxInputImage> inputs, CancellationToken cancellationToken)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Whole-pixel column edges keep neighbouring images from bleeding into each other.
            var left = (int)Math.Round((double)i * size.Width / inputs.Count);
            var right = (int)Math.Round((double)(i + 1) * size.Width / inputs.Count);
            inputs[i].DrawContained(canvas, new SKRect(left, 0, right, size.Height));
        }
    }

    private static void DrawPattern(SKCanvas canvas, SKSizeI size, HashSequence sequence)
    {
        var shortSide = Math.Min(size.Width, size.Height);
        var diagonal = MathF.Sqrt(size.Width * (float)size.Width + size.Height * (float)size.Height);
        using var paint = new SKPaint();
        paint.IsAntialias = true;

        canvas.Save();
        canvas.RotateDegrees(sequence.Range(-60, 60), size.Width / 2f, size.Height / 2f);
        var stripes = sequence.Next(3, 8);
        for (var i = 0; i < stripes; i++)
        {
            paint.Color = (sequence.NextDouble() < 0.5 ? SKColors.White : SKColors.Black).WithAlpha((byte)sequence.Next(20, 60));
            var x = size.Width / 2f + sequence.Range(-0.5f, 0.5f) * diagonal;
            var width = sequence.Range(0.02f, 0.12f) * shortSide;
            canvas.DrawRect(new SKRect(x, size.Height / 2f - diagonal, x + width, size.Height / 2f + diagonal), paint);
        }
        canvas.Restore();

        var circles = sequence.Next(6, 15);
        for (var i = 0; i < circles; i++)
        {
            var centre = new SKPoint(sequence.Range(0, size.Width), sequence.Range(0, size.Height));
            var radius = sequence.Range(0.04f, 0.22f) * shortSide;
            paint.Color = SKColor.FromHsv(sequence.Range(0, 360), sequence.Range(40, 90), sequence.Range(50, 100)).WithAlpha((byte)sequence.Next(80, 190));
            // About one circle in three is a ring, so the pattern reads as shapes rather than blots.
            var ring = sequence.NextDouble() < 0.35;
            paint.Style = ring ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
            paint.StrokeWidth = ring ? radius * 0.15f : 0;
            canvas.DrawCircle(centre, radius, paint);
        }
    }
}
