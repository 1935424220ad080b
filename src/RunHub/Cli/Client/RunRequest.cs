using System.Globalization;
using System.Text.Json.Nodes;
using RunHub.Catalog;

namespace RunHub.Cli.Client;

/// <summary>
/// The parameters of <c>runhub run</c>: <c>-p key=value</c> and <c>-f field=path</c>, in command-line order, made
/// into a submit body typed by the model's schema when it is known.
/// </summary>
internal sealed class RunRequest
{
    /// <summary>Stands in for a file's upload URL while the request is validated, before anything is uploaded.</summary>
    public const string PlaceholderHost = "https://upload.invalid/";

    private readonly List<Item> _items;

    private RunRequest(List<Item> items) => _items = items;

    /// <summary>The local files to upload, each once however often it is named.</summary>
    public IReadOnlyList<string> Files => _items.Where(i => i.IsFile).Select(i => i.Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Splits the options; every malformed one is reported at once.</summary>
    public static RunRequest Parse(IReadOnlyList<string> parameters, IReadOnlyList<string> files)
    {
        var items = new List<Item>();
        var problems = new List<string>();
        foreach (var text in parameters)
        {
            if (Split(text) is var (key, value, list)) items.Add(new Item(key, value, IsFile: false, list));
            else problems.Add($"-p '{text}': expected key=value, e.g. -p prompt=\"a red fox\"");
        }
        foreach (var text in files)
        {
            if (Split(text) is var (field, path, list) && path.Length > 0) items.Add(new Item(field, path, IsFile: true, list));
            else problems.Add($"-f '{text}': expected field=path, e.g. -f imageUrls=./photo.png");
        }
        if (problems.Count > 0) throw new UsageException(problems);
        return new RunRequest(items);
    }

    /// <summary>
    /// What can be refused before anything is sent: a file that does not exist, a file for a parameter that takes
    /// none, and — when the schema is known — whatever the server's own validator would refuse, checked with
    /// placeholder upload URLs so file counts count.
    /// </summary>
    public IReadOnlyList<string> Problems(ModelEntry? model)
    {
        var problems = new List<string>();
        foreach (var file in _items.Where(i => i.IsFile))
        {
            if (!File.Exists(file.Value)) problems.Add($"-f {file.Field}={file.Value}: no such file");
            if (Spec(model, file.Field) is { IsMedia: false } spec)
                problems.Add($"-f {file.Field}: {file.Field} is a {spec.Type.ToString().ToUpperInvariant()} parameter, not a file; give it with -p");
        }
        if (model is null) return problems;

        using var body = System.Text.Json.JsonDocument.Parse(Body(model, Placeholder).ToJsonString());
        return [.. problems, .. RequestValidator.Validate(model, body.RootElement, strict: true).Errors];
    }

    /// <summary>The submit body, with each file replaced by <paramref name="urlOf"/>(path).</summary>
    public JsonObject Body(ModelEntry? model, Func<string, string> urlOf)
    {
        var body = new JsonObject();
        foreach (var group in _items.GroupBy(i => i.Field, StringComparer.Ordinal))
        {
            var spec = Spec(model, group.Key);
            var values = group.OrderBy(i => i.IsFile) // remote URLs given with -p first, then the uploads
                .Select(i => i.IsFile ? JsonValue.Create(urlOf(i.Value)) : Typed(spec, i.Value))
                .ToList();
            var hasFiles = group.Any(i => i.IsFile);
            // Media lists are what RunningHub's models expect (imageUrls: [...]), even with one file.
            var asList = values.Count > 1 || group.Any(i => i.AsList) || spec is { MultipleInputs: true } && (spec.IsMedia || hasFiles);
            body[group.Key] = asList ? new JsonArray(values.ToArray<JsonNode?>()) : values[0];
        }
        return body;
    }

    public static string Placeholder(string path) => PlaceholderHost + Uri.EscapeDataString(Path.GetFileName(path));

    /// <summary>
    /// A value as the schema types it: INT and FLOAT as JSON numbers, BOOLEAN as true/false, the rest as strings.
    /// A value that does not read as its type stays a string, for the validator to name the rule it breaks.
    /// </summary>
    private static JsonNode Typed(ParameterSpec? spec, string text)
    {
        switch (spec?.Type)
        {
            case ParameterType.Int when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                return JsonValue.Create(integer);
            case ParameterType.Int or ParameterType.Float when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                return JsonValue.Create(number);
            case ParameterType.Boolean when bool.TryParse(text, out var flag):
                return JsonValue.Create(flag);
            default:
                return JsonValue.Create(text);
        }
    }

    private static ParameterSpec? Spec(ModelEntry? model, string field) =>
        model?.Parameters.FirstOrDefault(p => p.FieldKey == field);

    /// <summary>
    /// <c>key=value</c>; <c>key[]=value</c> asks for a list even with one value, for a server that does not list
    /// its models (RunningHub), where the schema cannot say that <c>imageUrls</c> takes a list.
    /// </summary>
    private static (string Key, string Value, bool AsList)? Split(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) return null;
        var key = text[..equals].Trim();
        var asList = key.EndsWith("[]", StringComparison.Ordinal);
        if (asList) key = key[..^2].TrimEnd();
        return key.Length == 0 ? null : (key, text[(equals + 1)..], asList);
    }

    private sealed record Item(string Field, string Value, bool IsFile, bool AsList);
}
