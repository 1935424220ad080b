namespace RunHub.Media;

/// <summary>
/// A fetched and probed media input. <see cref="Format"/> is the detected container in the registry's
/// spelling (PNG, JPG, WEBP, GIF, MP4, MOV, MP3, WAV, ...); Width and Height are known for images.
/// </summary>
public sealed record MediaInput(
    string FieldKey,
    int Index,
    string SourceUrl,
    byte[] Data,
    string Format,
    string ContentType,
    int? Width = null,
    int? Height = null);
