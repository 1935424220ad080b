namespace RunHub.Engines;

/// <summary>One result of a task: a file (with its extension, e.g. <c>png</c>) or a text.</summary>
public sealed record OutputFile(string Extension, byte[]? Data, string? Text = null);

/// <summary>What an engine produced, and what the backend reported it used (its own JSON, e.g. OpenAI's token <c>usage</c>).</summary>
public sealed record EngineOutput(IReadOnlyList<OutputFile> Files)
{
    public string? BackendUsage { get; init; }
}
