using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The prompt-dependent colour grade laid over the whole canvas: saturation, contrast and a faint tint,
/// each drawn from the prompt hash. Kept mild on purpose so an input stays recognisable (a red input
/// stays clearly red), which is what callers testing their pipelines need to see.
/// </summary>
internal sealed record SandboxGrade(float Saturation, float Contrast, float TintR, float TintG, float TintB)
{
    public const float MinSaturation = 0.75f, MaxSaturation = 1.3f;
    public const float MinContrast = 0.85f, MaxContrast = 1.15f;
    /// <summary>Largest shift of one channel, as a fraction of full scale.</summary>
    public const float MaxTint = 0.06f;

    // Rec. 709 luma weights: saturation changes pivot around perceived brightness.
    private const float LumaR = 0.2126f, LumaG = 0.7152f, LumaB = 0.0722f;

    public static SandboxGrade From(HashSequence sequence)
    {
        var saturation = sequence.Range(MinSaturation, MaxSaturation);
        var contrast = sequence.Range(MinContrast, MaxContrast);
        var tintHue = sequence.Range(0, 360);
        var tintStrength = sequence.Range(0, MaxTint);
        var tint = SKColor.FromHsv(tintHue, 100, 100);
        // Centre the tint on zero so it shifts hue without brightening or darkening the whole image.
        float Shift(byte channel) => (channel / 255f - (tint.Red + tint.Green + tint.Blue) / 765f) * tintStrength;
        return new SandboxGrade(saturation, contrast, Shift(tint.Red), Shift(tint.Green), Shift(tint.Blue));
    }

    /// <summary>A Skia 4x5 row-major colour matrix; translations are in 0..1 units.</summary>
    public float[] ToColorMatrix()
    {
        var s = Saturation;
        var c = Contrast;
        var offset = (1 - c) * 0.5f;
        float[] sat =
        [
            LumaR * (1 - s) + s, LumaG * (1 - s), LumaB * (1 - s),
            LumaR * (1 - s), LumaG * (1 - s) + s, LumaB * (1 - s),
            LumaR * (1 - s), LumaG * (1 - s), LumaB * (1 - s) + s,
        ];
        float[] tint = [TintR, TintG, TintB];
        var matrix = new float[20];
        for (var row = 0; row < 3; row++)
        {
            for (var col = 0; col < 3; col++)
                matrix[row * 5 + col] = c * sat[row * 3 + col];
            matrix[row * 5 + 4] = offset + tint[row];
        }
        matrix[18] = 1; // alpha passes through
        return matrix;
    }

    public SKColorFilter ToColorFilter() => SKColorFilter.CreateColorMatrix(ToColorMatrix());
}
