using System.Text.Json;
using RunHub.Catalog;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// One ComfyUI backend as the catalog describes it (<c>engine.settings</c>): the server, the workflow in API format
/// (a path relative to the catalog folder), the bindings from parameters to node inputs, and the limits and
/// timings of the conversation with the server.
/// </summary>
internal sealed record ComfyUiSettings
{
    public required Uri Server { get; init; }
    public required string Workflow { get; init; }
    public required IReadOnlyList<WorkflowBinding> Bindings { get; init; }

    /// <summary>Output nodes whose files are the task's results; empty = every node that saved files.</summary>
    public IReadOnlyList<string> OutputNodes { get; init; } = [];

    /// <summary>Largest result file fetched from <c>/view</c>, and largest total of one task.</summary>
    public long MaxOutputBytes { get; init; } = 64L * 1024 * 1024;
    public long MaxTotalOutputBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How often <c>/history</c> is asked even while the socket talks (sockets stall; never hang on one).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a prompt may be in neither <c>/history</c> nor <c>/queue</c> before it counts as lost.</summary>
    public TimeSpan LostAfter { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Time allowed for one HTTP exchange with the server (uploads, submits, polls, each output download).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The environment variable holding a bearer token for a ComfyUI behind an authenticating proxy.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <param name="withWorkflow">
    /// Whether <c>workflow</c> and <c>bindings</c> are required (a catalog model's backend); a backend of a registered
    /// workflow (docs/workflows.md) runs the graph each task brings, so it names the server and its limits only.
    /// </param>
    /// <exception cref="CatalogFormatException">A setting is missing or malformed; the message names it.</exception>
    public static ComfyUiSettings Read(EngineBinding backend, bool withWorkflow = true)
    {
        if (backend.Settings is not { ValueKind: JsonValueKind.Object } settings)
            throw new CatalogFormatException(withWorkflow
                ? "comfyui engine: settings are required ({\"server\", \"workflow\", \"bindings\"})"
                : "comfyui engine: settings are required ({\"server\"})");
        var reader = new FieldReader(settings, "comfyui engine settings");

        var serverText = reader.RequiredString("server");
        if (!Uri.TryCreate(serverText.EndsWith('/') ? serverText : serverText + "/", UriKind.Absolute, out var server)
            || server.Scheme is not ("http" or "https"))
            throw reader.Error("server", $"{JsonValueText.Quote(serverText)} is not an http(s) URL");

        var bindings = new List<WorkflowBinding>();
        var list = reader.Array("bindings") ?? (withWorkflow ? throw reader.Error("bindings", "required (a list; may be empty)") : default);
        var position = 0;
        if (list.ValueKind == JsonValueKind.Array)
            foreach (var item in list.EnumerateArray())
                bindings.Add(WorkflowBinding.Read(item, $"comfyui engine settings, binding #{position++}"));

        var outputNodes = reader.Array("outputNodes")?.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! : n.GetRawText()).ToList();

        return new ComfyUiSettings
        {
            Server = server,
            Workflow = withWorkflow ? reader.RequiredString("workflow") : reader.String("workflow") ?? "",
            Bindings = bindings,
            OutputNodes = outputNodes ?? [],
            MaxOutputBytes = Megabytes(reader, "maxOutputMb") ?? 64L * 1024 * 1024,
            MaxTotalOutputBytes = Megabytes(reader, "maxTotalOutputMb") ?? 256L * 1024 * 1024,
            PollInterval = Seconds(reader, "pollSeconds") ?? TimeSpan.FromSeconds(3),
            LostAfter = Seconds(reader, "lostAfterSeconds") ?? TimeSpan.FromSeconds(20),
            RequestTimeout = Seconds(reader, "requestTimeoutSeconds") ?? TimeSpan.FromSeconds(60),
            ApiKeyEnv = reader.String("apiKeyEnv"),
        };
    }

    private static long? Megabytes(FieldReader reader, string name) => reader.Number(name) switch
    {
        null => null,
        > 0 and <= 100_000 and var mb => (long)(mb * 1024 * 1024),
        var mb => throw reader.Error(name, $"{mb} is not a size in MB between 0 and 100000"),
    };

    private static TimeSpan? Seconds(FieldReader reader, string name) => reader.Number(name) switch
    {
        null => null,
        > 0 and <= 86_400 and var s => TimeSpan.FromSeconds(s),
        var s => throw reader.Error(name, $"{s} is not a number of seconds between 0 and a day"),
    };
}
