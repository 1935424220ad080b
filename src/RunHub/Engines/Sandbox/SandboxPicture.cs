using System.Security.Cryptography;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The sandbox's picture of a request — the input images laid out over a gradient under the prompt's grade, at the
/// size <see cref="SandboxOutputSize"/> decides — shared by every output kind: the image results, the frames of a
/// video, the texture of a 3D model. Inputs are opened (headers only) before anything is drawn, so a bad one fails
/// the task at once, and each is decoded only as large as it is drawn.
/// </summary>
internal static class SandboxPicture
{
    /// <summary>Draws the picture for output number <paramref name="index"/> (0 for the first; later ones vary the hash).</summary>
    /// <param name="images">Still images to lay out: the request's image inputs, or frames taken from its videos.</param>
    /// <param name="size">A size decided by the caller (video, texture); null for <see cref="SandboxOutputSize"/>'s image rules.</param>
    /// <exception cref="EngineException">1013 for an input that is not a decodable image; 1007 for an unreadable size parameter.</exception>
    public static Drawn Draw(SandboxRequest request, IReadOnlyList<(byte[] Data, string Name)> images, int index, SKSizeI? size,
        SandboxDecodeBudget budget, CancellationToken cancellationToken)
    {
        var opened = new List<SandboxInputImage>();
        try
        {
            for (var i = 0; i < images.Count; i++)
                opened.Add(SandboxInputImage.Open(images[i].Data, images[i].Name, budget));
            var plan = size is { } fixedSize
                ? new SandboxOutputSize.Plan(fixedSize, fixedSize)
                : SandboxOutputSize.Resolve(request, opened.Count > 0 ? opened[0].UprightSize : null);
            var variation = VariationFor(request.Variation, index);
            var bitmap = SandboxRenderer.Render(plan.Rendered, variation, opened, cancellationToken);
            return new Drawn(bitmap, plan, variation);
        }
        finally
        {
            foreach (var image in opened) image.Dispose();
        }
    }

    /// <summary>Output 0 keeps the request's hash (so single outputs are what they always were); output k hashes it with k.</summary>
    public static PromptHash VariationFor(PromptHash variation, int index)
    {
        if (index == 0) return variation;
        Span<byte> seed = stackalloc byte[36];
        variation.CopyTo(seed);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(seed[32..], index);
        return PromptHash.FromBytes(SHA256.HashData(seed));
    }

    /// <summary>A drawn picture (dispose it), the size plan it was drawn to, and the hash it was drawn from.</summary>
    public sealed record Drawn(SKBitmap Bitmap, SandboxOutputSize.Plan Plan, PromptHash Variation) : IDisposable
    {
        /// <summary>The metadata comment: the prompt hash prefix, and the requested size when it was reduced.</summary>
        public string Comment => SandboxMark.PromptComment(Variation)
            + (Plan.IsReduced ? $"; requested {Plan.Requested.Width}x{Plan.Requested.Height}, rendered {Plan.Rendered.Width}x{Plan.Rendered.Height} (the sandbox's size cap)" : "");

        public void Dispose() => Bitmap.Dispose();
    }
}
