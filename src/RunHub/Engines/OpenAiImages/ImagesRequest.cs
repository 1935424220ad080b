using RunHub.Client;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Media;

namespace RunHub.Engines.OpenAiImages;

/// <summary>
/// What one task asks the images API for: <c>/v1/images/edits</c> (multipart, one <c>image[]</c> part per input
/// image) when the task has input images, otherwise <c>/v1/images/generations</c> (JSON). Built once per task;
/// <see cref="CreateContent"/> makes a fresh body for each attempt.
/// </summary>
internal sealed partial class ImagesRequest
{
    private static readonly HashSet<string> NumericFields = new(StringComparer.Ordinal) { "n", "output_compression" };

    // Only the edits endpoint takes these; sending them to generations is an "unknown parameter" 400 on OpenAI.
    private static readonly HashSet<string> EditOnlyFields = new(StringComparer.Ordinal) { "input_fidelity" };

    private readonly IReadOnlyList<MediaInput> _images;

    private ImagesRequest(string path, IReadOnlyDictionary<string, string> fields, IReadOnlyList<MediaInput> images)
    {
        Path = path;
        Fields = fields;
        _images = images;
    }

    /// <summary><c>images/edits</c> or <c>images/generations</c>, relative to the API root.</summary>
    public string Path { get; }

    /// <summary>The request's fields other than the images, by their API names.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    public bool IsEdit => _images.Count > 0;

    public int ImageCount => _images.Count;

    public static ImagesRequest For(EngineJob job, OpenAiImagesSettings settings)
    {
        var images = job.Inputs.Where(input => IsImage(job.Model, input)).ToList();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["model"] = settings.Model };
        foreach (var (field, value) in settings.Fixed) fields[field] = value;
        foreach (var (field, parameter) in settings.Parameters)
        {
            if (!job.Parameters.TryGetValue(parameter, out var value) || Text(value) is not { Length: > 0 } text) continue;
            fields[field] = field == "size" ? Size(text, parameter, settings) : text;
        }
        if (!fields.ContainsKey("prompt"))
            throw new EngineException(RunHubErrorCodes.InvalidParameters,
                $"openai-images: the task has no prompt (parameter \"{settings.Parameters.GetValueOrDefault("prompt", "prompt")}\")");
        if (images.Count == 0)
            foreach (var field in EditOnlyFields) fields.Remove(field);
        return new ImagesRequest(images.Count > 0 ? "images/edits" : "images/generations", fields, images);
    }

    public HttpContent CreateContent() => IsEdit ? Multipart() : Json();

    private MultipartFormDataContent Multipart()
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in Fields)
        {
            var part = new StringContent(value);
            // Plain form fields, as browsers and OpenAI's SDKs send them: no per-part content type.
            part.Headers.ContentType = null;
            form.Add(part, name);
        }
        for (var i = 0; i < _images.Count; i++)
        {
            var image = _images[i];
            var part = new ByteArrayContent(image.Data);
            part.Headers.ContentType = new MediaTypeHeaderValue(image.ContentType);
            form.Add(part, "image[]", $"image-{i}.{MediaFormat.Find(image.Format)?.Extension ?? "png"}");
        }
        return form;
    }

    private ByteArrayContent Json()
    {
        var body = Fields.ToDictionary(
            f => f.Key,
            f => NumericFields.Contains(f.Key) && long.TryParse(f.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? JsonSerializer.SerializeToElement(number)
                : JsonSerializer.SerializeToElement(f.Value));
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>An aspect ratio through the size table; a value that already is a size (<c>1024x1536</c>, <c>auto</c>) as it is.</summary>
    private static string Size(string value, string parameter, OpenAiImagesSettings settings)
    {
        if (settings.Sizes.TryGetValue(value, out var size)) return size;
        if (value == "auto" || SizeShape().IsMatch(value)) return value;
        throw new EngineException(RunHubErrorCodes.UpstreamError,
            $"openai-images: {parameter} \"{value}\" has no image size in this backend's settings (sizes: {string.Join(", ", settings.Sizes.Keys)})");
    }

    [GeneratedRegex("^[0-9]{2,5}x[0-9]{2,5}$")]
    private static partial Regex SizeShape();

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static bool IsImage(ModelEntry model, MediaInput input)
    {
        var spec = model.Parameters.FirstOrDefault(p => p.FieldKey == input.FieldKey);
        return spec is not null
            ? spec.Type == ParameterType.Image
            : input.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);
    }
}
