namespace RunHub.Engines;

/// <summary>One result of a task: a file (with its extension, e.g. <c>png</c>) or a text.</summary>
public sealed record OutputFile(string Extension, byte[]? Data, string? Text = null)
{
    /// <summary>The workflow node that produced it (ComfyUI), for <c>outputs[].nodeId</c>; null when not from a node.</summary>
    public string? NodeId { get; init; }
}

/// <summary>What an engine produced, and what the backend reported it used (its own JSON, e.g. OpenAI's token <c>usage</c>).</summary>
public sealed record EngineOutput(IReadOnlyList<OutputFile> Files)
{
    public string? BackendUsage { get; init; }

    /// <summary>
    /// How long the backend worked on the task, in ms (ComfyUI: from its <c>execution_start</c> to the end of the
    /// prompt, as its history records them), when the engine can tell. Workflow tasks are billed by it.
    /// </summary>
    public long? BackendMilliseconds { get; init; }
}
