using System.Globalization;
using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Files;
using RunHub.Media;

namespace RunHub.WebConsole;

/// <summary>
/// Turns the playground's form into the JSON body a client would send: each parameter from its field
/// (<c>p.{fieldKey}</c>), media parameters from their uploaded files (<c>f.{fieldKey}</c>, stored by <see cref="UploadedFiles"/>
/// as the API's upload stores them: media only, random names) and their URLs (<c>u.{fieldKey}</c>, one per line). Values are only shaped, not checked: the body
/// then goes through the same validation as an API call. A file larger than its parameter takes (or than
/// <c>Media:MaxUploadMb</c>) is refused before it is stored.
/// </summary>
public static class PlaygroundRequest
{
    /// <summary>The JSON body, or null and what was wrong (a file too large, not an image, audio, video or zip file, or
    /// more than the account may keep of uploads), naming the field and the file.</summary>
    /// <param name="maxUploadMb"><c>Media:MaxUploadMb</c>: no file is larger, whatever its parameter says.</param>
    /// <param name="accountId">The signed-in account: its uploads expire after its retention.</param>
    public static async Task<(JsonObject? Body, string? Problem)> BuildAsync(ModelEntry model, IFormCollection form, UploadedFiles uploads,
        string accountId, Func<string, string> fileUrl, int maxUploadMb, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        foreach (var p in model.Parameters)
        {
            if (p.IsMedia)
            {
                var urls = new List<string>();
                var files = form.Files.GetFiles("f." + p.FieldKey).Where(f => f.Length > 0).ToList();
                if (files.FirstOrDefault(f => f.Length > FileLimit(p, maxUploadMb)) is { } tooLarge)
                    return (null, $"{p.FieldKey}: {tooLarge.FileName} is larger than the {FileLimit(p, maxUploadMb) / 1048576.0:0.##} MB this field takes");
                foreach (var file in files)
                {
                    await using var content = file.OpenReadStream();
                    var outcome = await uploads.StoreAsync(content, "openapi", accountId, cancellationToken);
                    if (outcome is not UploadOutcome.Stored { Upload: var stored })
                        return (null, $"{p.FieldKey}: {file.FileName}: {(outcome is UploadOutcome.OverQuota over ? over.Message : UploadedFiles.NotMedia)["file: ".Length..]}");
                    urls.Add(fileUrl(stored.Key));
                }
                urls.AddRange(form["u." + p.FieldKey].ToString()
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                if (urls.Count == 0) continue;
                body[p.FieldKey] = p.MultipleInputs ? new JsonArray(urls.Select(u => (JsonNode)JsonValue.Create(u)).ToArray()) : JsonValue.Create(urls[0]);
                continue;
            }
            var text = form["p." + p.FieldKey].ToString();
            if (text.Length == 0) continue;
            body[p.FieldKey] = p.Type switch
            {
                ParameterType.Int when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
                ParameterType.Float when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                ParameterType.Boolean when bool.TryParse(text, out var b) => JsonValue.Create(b),
                // A number or switch that does not parse is sent as typed; validation names the field and the rule.
                _ => JsonValue.Create(text),
            };
        }
        return (body, null);
    }

    /// <summary>The seed edit, shown when the playground is opened without a model.</summary>
    public const string DefaultModel = "rhart-image-g-1.5/edit";

    /// <summary>The model the playground shows for <c>?model=</c> <paramref name="name"/>: that one, else the seed edit, else the catalog's first (null for an empty catalog).</summary>
    public static ModelEntry? ModelFor(ModelCatalog catalog, string? name) =>
        (name is { Length: > 0 } ? catalog.Find(name) : null) ?? catalog.Find(DefaultModel) ?? catalog.Models.FirstOrDefault();

    /// <summary>The largest file a media parameter takes in the playground (bytes): its own <c>maxSize</c>, at most the upload limit.</summary>
    public static long FileLimit(ParameterSpec p, int maxUploadMb) => Math.Min(SizeLimit.For(p.MaxSizeMb).Bytes, maxUploadMb * 1024L * 1024);

    /// <summary>
    /// The largest playground form of <paramref name="model"/> (bytes): each media parameter's largest files
    /// (<see cref="FileLimit"/> × how many it takes) with room for the multipart framing, plus <paramref name="json"/> for the rest.
    /// </summary>
    public static long BodyBudget(ModelEntry model, int maxUploadMb, long json) =>
        json + model.Parameters.Where(p => p.IsMedia)
            .Sum(p => (p.MultipleInputs ? Math.Max(p.MaxInputNum ?? 1, 1) : 1) * (FileLimit(p, maxUploadMb) + 4096));
}
