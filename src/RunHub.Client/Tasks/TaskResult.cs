using System.Text.Json;

namespace RunHub.Client;

/// <summary>One output of a task: a file (<see cref="Url"/>) or a text (<see cref="Text"/>).</summary>
/// <param name="Url">The file's URL (RunningHub's <c>url</c>, or <c>outputUrl</c>); null for a text output.</param>
/// <param name="OutputType">The file's type as the server named it, usually its extension (<c>png</c>, <c>mp4</c>).</param>
/// <param name="Text">The text of a text output (<c>text</c>, or <c>content</c>/<c>output</c>).</param>
/// <param name="Raw">The result item exactly as received.</param>
public sealed record TaskResult(string? Url, string? OutputType, string? Text, JsonElement Raw)
{
    /// <summary>Whether this output is a text rather than a file.</summary>
    public bool IsText => Url is null && Text is not null;

    /// <summary>The workflow node that produced this output (<c>nodeId</c> of a workflow or AI-app run's result), when the server says.</summary>
    public string? NodeId => JsonText.Read(Raw, "nodeId");
}
