using RunHub.Client;
using System.Text.Json;
using RunHub.Api;
using RunHub.Catalog;

namespace RunHub.Engines.OpenAiImages;

/// <summary>
/// One <c>openai-images</c> backend, as the catalog's <c>engine.settings</c> describe it. The API key itself is never
/// here: <see cref="ApiKeyEnv"/> names the environment variable (or configuration key) that holds it.
/// </summary>
internal sealed record OpenAiImagesSettings
{
    public const string DefaultServer = "https://api.openai.com";

    /// <summary>Request fields a catalog may fix or fill from a task parameter, by the camelCase name settings use.</summary>
    private static readonly Dictionary<string, string> FixedFields = new(StringComparer.Ordinal)
    {
        ["quality"] = "quality",
        ["background"] = "background",
        ["outputFormat"] = "output_format",
        ["inputFidelity"] = "input_fidelity",
        ["moderation"] = "moderation",
        ["outputCompression"] = "output_compression",
        ["responseFormat"] = "response_format",
        ["n"] = "n",
    };

    /// <summary>The request fields a task parameter can fill (see <see cref="Parameters"/>).</summary>
    public static readonly IReadOnlySet<string> MappableFields =
        new HashSet<string>(FixedFields.Values.Append("prompt").Append("size"), StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, string> DefaultSizes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["1:1"] = "1024x1024",
        ["3:2"] = "1536x1024",
        ["2:3"] = "1024x1536",
        ["auto"] = "auto",
    };

    public static readonly IReadOnlyDictionary<string, string> DefaultParameters = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["prompt"] = "prompt",
        ["size"] = "aspectRatio",
    };

    /// <summary>The API's root, ending in <c>/v1/</c>, whether the catalog gave <c>https://host</c> or <c>https://host/v1</c>.</summary>
    public required Uri ApiRoot { get; init; }

    public required string Model { get; init; }

    /// <summary>Where the key is read from; null for a backend that takes no key (a local server).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Request fields with a value set by the operator (request name → value), e.g. <c>quality: high</c>.</summary>
    public IReadOnlyDictionary<string, string> Fixed { get; init; } = new Dictionary<string, string>();

    /// <summary>Request fields filled from the task's parameters (request name → model parameter).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = DefaultParameters;

    /// <summary>A parameter value (e.g. an aspect ratio) → the <c>size</c> the API takes.</summary>
    public IReadOnlyDictionary<string, string> Sizes { get; init; } = DefaultSizes;

    /// <summary>Retries of a 429 or 5xx answer inside one run, before the failure goes back to the task runner.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First backoff delay; it doubles on each retry. A Retry-After from the backend takes precedence.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait inside a run; a backend that asks for longer hands the task back to the queue instead.</summary>
    public TimeSpan MaxRetryWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest answer read into memory (base64 images make it about 4/3 of the images' size).</summary>
    public long MaxResponseBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The largest image downloaded from a <c>url</c> in the answer.</summary>
    public long MaxImageBytes { get; init; } = 50L * 1024 * 1024;

    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public Uri Endpoint(string path) => new(ApiRoot, path);

    /// <summary>Reads a backend's settings; a setting that cannot mean what it must is a non-retryable 1012 naming it.</summary>
    public static OpenAiImagesSettings Read(JsonElement? settings)
    {
        try
        {
            return Parse(settings);
        }
        catch (CatalogFormatException e)
        {
            throw new EngineException(RunHubErrorCodes.UpstreamError, e.Message);
        }
    }

    private static OpenAiImagesSettings Parse(JsonElement? settings)
    {
        if (settings is null) throw new CatalogFormatException("openai-images backend: settings are required (at least \"model\")");
        var reader = new FieldReader(settings.Value, "openai-images backend settings");

        var server = reader.String("server") ?? DefaultServer;
        if (!Uri.TryCreate(server.Trim(), UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("http" or "https"))
            throw reader.Error("server", $"{JsonValueText.Quote(server)} is not an absolute http or https URL");

        var fixedValues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (setting, field) in FixedFields)
            if (reader.String(setting) is { Length: > 0 } value) fixedValues[field] = value;

        return new OpenAiImagesSettings
        {
            ApiRoot = ApiRootOf(serverUri),
            Model = reader.RequiredString("model"),
            ApiKeyEnv = reader.String("apiKeyEnv") is { Length: > 0 } env ? env.Trim() : null,
            Fixed = fixedValues,
            Parameters = ReadParameters(reader) ?? DefaultParameters,
            Sizes = ReadMap(reader, "sizes") ?? DefaultSizes,
            MaxRetries = Between(reader, "maxRetries", 0, 10) ?? 2,
            RetryDelay = TimeSpan.FromMilliseconds(Between(reader, "retryDelayMs", 0, 600_000) ?? 1000),
            MaxRetryWait = TimeSpan.FromSeconds(Between(reader, "maxRetryWaitSeconds", 0, 3600) ?? 30),
            MaxResponseBytes = (Between(reader, "maxResponseMb", 1, 1024) ?? 64) * 1024L * 1024,
            MaxImageBytes = (Between(reader, "maxImageMb", 1, 1024) ?? 50) * 1024L * 1024,
            DownloadTimeout = TimeSpan.FromSeconds(Between(reader, "downloadTimeoutSeconds", 1, 3600) ?? 60),
        };
    }

    private static Uri ApiRootOf(Uri server)
    {
        var path = server.AbsolutePath.TrimEnd('/');
        if (!path.EndsWith("/v1", StringComparison.Ordinal)) path += "/v1";
        return new UriBuilder(server) { Path = path + "/", Query = "", Fragment = "" }.Uri;
    }

    private static Dictionary<string, string>? ReadParameters(FieldReader reader)
    {
        var map = ReadMap(reader, "parameters");
        if (map is null) return null;
        foreach (var field in map.Keys)
            if (!MappableFields.Contains(field))
                throw reader.Error("parameters", $"\"{field}\" is not a request field a parameter can fill (one of {string.Join(", ", MappableFields.Order())})");
        return map;
    }

    private static Dictionary<string, string>? ReadMap(FieldReader reader, string name)
    {
        if (reader.Get(name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Object) throw reader.Error(name, $"expected an object of strings, got {FieldReader.Kind(value)}");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(property.Value.GetString()))
                throw reader.Error(name, $"\"{property.Name}\": expected a non-empty string, got {FieldReader.Kind(property.Value)}");
            map[property.Name] = property.Value.GetString()!;
        }
        return map;
    }

    private static int? Between(FieldReader reader, string name, int min, int max)
    {
        var value = reader.Int(name);
        if (value is not null && (value < min || value > max)) throw reader.Error(name, $"{value} is not between {min} and {max}");
        return value;
    }
}
