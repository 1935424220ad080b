using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// A task's parameters as the sandbox reads them: typed look-ups that accept what the validator accepts (numbers and
/// booleans sent as text), the media inputs sorted by kind, and the variation hash that makes every output repeatable.
/// </summary>
internal sealed class SandboxRequest
{
    private readonly IReadOnlyDictionary<string, JsonElement> _parameters;

    public SandboxRequest(EngineJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Model = job.Model;
        _parameters = job.Parameters;
        Images = job.Inputs.Where(i => KindOf(job.Model, i) == MediaKind.Image).ToList();
        Videos = job.Inputs.Where(i => KindOf(job.Model, i) == MediaKind.Video).ToList();
        Audios = job.Inputs.Where(i => KindOf(job.Model, i) == MediaKind.Audio).ToList();
        Variation = VariationOf(_parameters);
    }

    public ModelEntry Model { get; }

    /// <summary>Inputs of IMAGE parameters (or undeclared inputs whose content type is an image), in request order.</summary>
    public IReadOnlyList<MediaInput> Images { get; }

    public IReadOnlyList<MediaInput> Videos { get; }

    /// <summary>The image inputs as the picture takes them: bytes, and the name errors use (<c>imageUrls[1]</c>).</summary>
    public IReadOnlyList<(byte[] Data, string Name)> Stills => Images.Select(i => (i.Data, NameOf(i))).ToList();

    /// <summary>How messages name an input: its field and position, e.g. <c>imageUrls[1]</c>.</summary>
    public static string NameOf(MediaInput input) => $"{input.FieldKey}[{input.Index}]";

    public IReadOnlyList<MediaInput> Audios { get; }

    /// <summary>SHA-256 of the prompt and, when given, the seed: what every colour, shape and tone is drawn from.</summary>
    public PromptHash Variation { get; }

    public IReadOnlyDictionary<string, JsonElement> Parameters => _parameters;

    /// <summary>The first of <paramref name="keys"/> the request carries as non-empty text (numbers and booleans by their JSON text).</summary>
    public string? Text(params string[] keys)
    {
        foreach (var key in keys)
            if (_parameters.TryGetValue(key, out var value) && JsonValueText.Of(value) is { Length: > 0 } text)
                return text.Trim();
        return null;
    }

    /// <summary>The first of <paramref name="keys"/> that holds a number (or numeric text).</summary>
    public double? Number(params string[] keys)
    {
        foreach (var key in keys)
            if (Text(key) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                return number;
        return null;
    }

    /// <summary>Whether any of <paramref name="keys"/> is true ("true" or "yes" as text too).</summary>
    public bool IsOn(params string[] keys) => keys.Any(key => Text(key)?.ToLowerInvariant() is "true" or "yes");

    /// <summary>The prompt's text, for the text outputs; empty when there is none.</summary>
    public string Prompt => Text("prompt", "text", "textPrompt", "lyrics", "description") ?? "";

    /// <summary>
    /// The seed changes the picture only when the request sets it, so a request without one keeps the bytes it
    /// always had (the prompt alone), and the same prompt with the same seed always gives the same bytes.
    /// </summary>
    private static PromptHash VariationOf(IReadOnlyDictionary<string, JsonElement> parameters)
    {
        var prompt = parameters.TryGetValue("prompt", out var value) ? PromptText(value) : "";
        if (!parameters.TryGetValue("seed", out var seed) || JsonValueText.Of(seed) is not { Length: > 0 } seedText)
            return PromptHash.Of(prompt);
        return PromptHash.FromBytes(SHA256.HashData(Encoding.UTF8.GetBytes(prompt + "\0seed=" + seedText.Trim())));
    }

    private static string PromptText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };

    /// <summary>The declared parameter type decides; an input the model does not declare goes by its content type.</summary>
    private static MediaKind KindOf(ModelEntry model, MediaInput input)
    {
        var spec = model.Parameters.FirstOrDefault(p => p.FieldKey == input.FieldKey);
        return spec?.Type switch
        {
            ParameterType.Image => MediaKind.Image,
            ParameterType.Video => MediaKind.Video,
            ParameterType.Audio => MediaKind.Audio,
            _ => MediaFormat.Find(input.Format)?.Kind
                ?? (input.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? MediaKind.Image : MediaKind.Other),
        };
    }
}
