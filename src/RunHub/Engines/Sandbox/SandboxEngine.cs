using RunHub.Client;
using System.Globalization;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Media;
using SkiaSharp;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The built-in <c>sandbox</c> engine: a deterministic CPU stand-in for an image model, for development,
/// tests and load generation. It is not a generative model and does not pretend to be one. It lays the
/// input images onto a canvas of the size the real model would return, over a gradient and under a colour
/// grade both derived from the prompt's SHA-256, and writes a PNG that says what made it
/// (<c>tEXt Software</c>). The same parameters and inputs always give the same bytes.
/// </summary>
/// <remarks>
/// <see cref="SandboxOptions.DelayMs"/> adds latency and <see cref="SandboxOptions.FailureRate"/> fails a
/// stable share of task ids with 1015, which makes this engine the load and fault generator for tests.
/// </remarks>
public sealed class SandboxEngine(IOptions<RunHubOptions> options) : IEngine
{
    public const string EngineName = "sandbox";

    /// <summary>Written into every PNG so no one mistakes the output for a model's.</summary>
    public const string SoftwareText = "RunHub sandbox engine (a deterministic stand-in, not a generative model)";

    public string Name => EngineName;

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        cancellationToken.ThrowIfCancellationRequested();
        var settings = options.Value.Engines.Sandbox;

        if (settings.DelayMs > 0)
            await Task.Delay(settings.DelayMs, cancellationToken).ConfigureAwait(false);

        if (TaskFailureDraw.Fails(job.TaskId, settings.FailureRate))
            throw new EngineException(RunHubErrorCodes.GenerationFailed,
                $"sandbox: simulated failure (FailureRate={settings.FailureRate.ToString(CultureInfo.InvariantCulture)})",
                retryable: false);

        var png = await Task.Run(() => Render(job, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new EngineOutput([new OutputFile("png", png)]);
    }

    private static byte[] Render(EngineJob job, CancellationToken cancellationToken)
    {
        var prompt = PromptHash.Of(job.Parameters);
        var images = new List<SandboxInputImage>();
        try
        {
            // Every input is opened (headers only) before drawing starts, so a bad one fails the task at once.
            foreach (var input in job.Inputs.Where(input => IsImage(job.Model, input)))
                images.Add(SandboxInputImage.Open(input));

            var size = SandboxOutputSize.Resolve(job.Parameters, images.Count > 0 ? images[0].UprightSize : null);
            var png = SandboxRenderer.RenderPng(size, prompt, images, cancellationToken);
            return PngTextChunks.InsertAfterHeader(png,
            [
                new("Software", SoftwareText),
                new("Comment", $"prompt sha256 prefix: {prompt.HexPrefix}"),
            ]);
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    // Video or audio inputs of a model routed here are not pictures to lay out; they are left out, not failed.
    private static bool IsImage(ModelEntry model, MediaInput input)
    {
        var spec = model.Parameters.FirstOrDefault(p => p.FieldKey == input.FieldKey);
        return spec is not null
            ? spec.Type == ParameterType.Image
            : input.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
    }
}
