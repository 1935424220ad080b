using System.Globalization;
using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Files;

namespace RunHub.WebConsole;

/// <summary>
/// Turns the playground's form into the JSON body a client would send: each parameter from its field
/// (<c>p.{fieldKey}</c>), media parameters from their uploaded files (<c>f.{fieldKey}</c>, stored as the API's upload
/// stores them) and their URLs (<c>u.{fieldKey}</c>, one per line). Values are only shaped, not checked: the body
/// then goes through the same validation as an API call.
/// </summary>
public static class PlaygroundRequest
{
    public static async Task<JsonObject> BuildAsync(ModelEntry model, IFormCollection form, UploadedFiles uploads, Func<string, string> fileUrl,
        CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        foreach (var p in model.Parameters)
        {
            if (p.IsMedia)
            {
                var urls = new List<string>();
                foreach (var file in form.Files.GetFiles("f." + p.FieldKey).Where(f => f.Length > 0))
                {
                    await using var content = file.OpenReadStream();
                    urls.Add(fileUrl((await uploads.StoreAsync(content, file.FileName, cancellationToken)).Key));
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
        return body;
    }
}
