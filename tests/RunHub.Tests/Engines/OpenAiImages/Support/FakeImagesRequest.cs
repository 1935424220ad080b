using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RunHub.Media;

namespace RunHub.Tests.Engines.OpenAiImages.Support;

/// <summary>An image part of an edits request: its form name, file name, declared type and bytes.</summary>
internal sealed record FakeImagePart(string Name, string FileName, string ContentType, byte[] Bytes);

/// <summary>
/// An images request as the fake read it, checked as OpenAI checks it: the right body type, a prompt, known
/// fields only, allowed values for size/quality/background/output_format/input_fidelity/n, and, for edits, at
/// least one PNG, JPEG or WEBP image.
/// </summary>
internal sealed record FakeImagesRequest(bool IsEdit, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<FakeImagePart> Images)
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["size"] = ["auto", "1024x1024", "1536x1024", "1024x1536"],
        ["quality"] = ["auto", "low", "medium", "high"],
        ["background"] = ["auto", "transparent", "opaque"],
        ["output_format"] = ["png", "jpeg", "webp"],
        ["input_fidelity"] = ["high", "low"],
        ["moderation"] = ["auto", "low"],
    };

    private static readonly HashSet<string> EditFields =
        ["model", "prompt", "size", "quality", "background", "output_format", "output_compression", "input_fidelity", "n", "user", "moderation"];

    private static readonly HashSet<string> GenerationFields =
        ["model", "prompt", "size", "quality", "background", "output_format", "output_compression", "n", "user", "moderation", "style"];

    public string? Field(string name) => Fields.TryGetValue(name, out var value) ? value : null;

    public static async Task<(FakeImagesRequest? Request, FakeReply? Problem)> ReadAsync(HttpContext context, bool isEdit)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var images = new List<FakeImagePart>();
        if (isEdit)
        {
            if (!context.Request.HasFormContentType)
                return (null, Invalid("Invalid Content-Type header (expected multipart/form-data).", null));
            var form = await context.Request.ReadFormAsync();
            foreach (var (name, values) in form) fields[name] = values.ToString();
            foreach (var file in form.Files)
            {
                if (file.Name is not ("image" or "image[]"))
                    return (null, Invalid($"Unknown parameter: '{file.Name}'.", file.Name));
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer);
                images.Add(new FakeImagePart(file.Name, file.FileName, file.ContentType, buffer.ToArray()));
            }
        }
        else
        {
            JsonElement body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            }
            catch (JsonException)
            {
                return (null, Invalid("We could not parse the JSON body of your request.", null));
            }
            if (body.ValueKind != JsonValueKind.Object) return (null, Invalid("The body must be a JSON object.", null));
            foreach (var property in body.EnumerateObject())
                fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        var request = new FakeImagesRequest(isEdit, fields, images);
        return (request, Check(request));
    }

    private static FakeReply? Check(FakeImagesRequest request)
    {
        var known = request.IsEdit ? EditFields : GenerationFields;
        foreach (var name in request.Fields.Keys)
            if (!known.Contains(name)) return Invalid($"Unknown parameter: '{name}'.", name);
        if (string.IsNullOrEmpty(request.Field("prompt"))) return Invalid("Missing required parameter: 'prompt'.", "prompt");
        foreach (var (name, values) in Allowed)
            if (request.Field(name) is { } value && !values.Contains(value))
                return Invalid($"Invalid value: '{value}'. Supported values are: {string.Join(", ", values.Select(v => $"'{v}'"))}.", name, "invalid_value");
        if (request.Field("n") is { } n && (!int.TryParse(n, out var count) || count is < 1 or > 10))
            return Invalid($"Invalid value for 'n': {n}. Must be between 1 and 10.", "n", "invalid_value");
        if (!request.IsEdit) return null;
        if (request.Images.Count == 0) return Invalid("Missing required parameter: 'image'.", "image");
        foreach (var image in request.Images)
            if (MediaProbe.DetectFormat(image.Bytes) is not { } format || (format != MediaFormat.Png && format != MediaFormat.Jpg && format != MediaFormat.Webp))
                return Invalid($"Invalid file '{image.Name}': unsupported mimetype. Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.", image.Name, "invalid_image_format");
        return null;
    }

    private static FakeReply Invalid(string message, string? param, string? code = null) =>
        FakeReply.Error(400, "invalid_request_error", code, message, param);
}
