using System.Text.Json;

namespace RunHub.Client;

/// <summary>What a response body says, once its envelope is taken off.</summary>
internal abstract record ServerAnswer
{
    /// <summary>A task object (it may be a failed task: see <see cref="RunHubTask.IsFailed"/>).</summary>
    public sealed record TaskAnswer(RunHubTask Task) : ServerAnswer;

    /// <summary>A success that is not a task: <c>data</c> of a <c>{code: 0}</c> envelope, or a bare JSON document.</summary>
    public sealed record Payload(JsonElement Data) : ServerAnswer;

    /// <summary>The request was refused before any task existed (or the task was not found).</summary>
    public sealed record Refusal(string Code, string Message) : ServerAnswer;

    /// <summary>Not JSON, or JSON of no shape RunningHub uses.</summary>
    public sealed record Unreadable(string Reason) : ServerAnswer;
}
