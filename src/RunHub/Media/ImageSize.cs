namespace RunHub.Media;

/// <summary>
/// What a header parser learned: the image's size as displayed (after an EXIF quarter turn), or why the file is
/// refused before anything decodes it. Both null: the header could not be read (cut short, malformed).
/// </summary>
internal readonly record struct ImageSize(int Width, int Height, string? Refusal = null)
{
    public static ImageSize Refused(string reason) => new(0, 0, reason);

    /// <summary>The size with width and height swapped when <paramref name="orientation"/> (EXIF 1–8) turns the image a quarter.</summary>
    public static ImageSize Oriented(int width, int height, int orientation) =>
        orientation is >= 5 and <= 8 ? new(height, width) : new(width, height);
}
