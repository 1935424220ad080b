namespace RunHub.Engines.Sandbox;

/// <summary>
/// The most pixels one sandbox task holds decoded for one input image (RGBA, so 4 bytes each). Inputs that can be
/// decoded smaller (JPEG, WebP) or read row by row (PNG, GIF, BMP) are scaled down while they are decoded and fit
/// it whatever their stored size; only an input that can be neither and is larger than this is refused (1013).
/// </summary>
/// <param name="MaxPixels">From <c>RunHub:Engines:Sandbox:MaxDecodePixels</c>; default 16,777,216 (64 MB).</param>
internal sealed record SandboxDecodeBudget(long MaxPixels)
{
    public const long DefaultMaxPixels = 4096L * 4096;

    public static SandboxDecodeBudget Default { get; } = new(DefaultMaxPixels);
}
