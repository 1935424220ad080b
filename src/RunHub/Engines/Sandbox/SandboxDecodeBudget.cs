namespace RunHub.Engines.Sandbox;

/// <summary>
/// The most pixels one sandbox task holds decoded for one input image (RGBA, so 4 bytes each). JPEG and WebP inputs
/// are decoded at the size they are drawn and fit it whatever their stored size; a PNG, GIF or BMP larger than this
/// is refused (1013) rather than decoded whole.
/// </summary>
/// <param name="MaxPixels">From <c>RunHub:Engines:Sandbox:MaxDecodePixels</c>; default 16,777,216 (64 MB).</param>
internal sealed record SandboxDecodeBudget(long MaxPixels)
{
    public const long DefaultMaxPixels = 4096L * 4096;

    public static SandboxDecodeBudget Default { get; } = new(DefaultMaxPixels);
}
