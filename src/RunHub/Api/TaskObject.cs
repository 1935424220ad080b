using RunHub.Wire;
using RunHub.Client;
using System.Text.Json.Serialization;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// The task object of submit and query responses (DESIGN.md §1), every RunningHub field always present. The RunHub
/// extensions <see cref="Progress"/> (while a running task's engine has reported some) and <see cref="QueuePosition"/>
/// (a query of a QUEUED task) are written only when they have a value.
/// </summary>
public sealed record TaskObject(
    string TaskId,
    string Status,
    string ErrorCode,
    string ErrorMessage,
    IReadOnlyList<TaskResult>? Results,
    string ClientId,
    string PromptTips,
    TaskUsage? Usage)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProgressReport? Progress { get; init; }

    /// <summary>
    /// RunHub extension, in query answers of a QUEUED task only: its place among its account's waiting tasks (1: the
    /// next of them to start; docs/limits.md). Not <c>progress.queuePosition</c>, which is a running task's place in its
    /// backend's own queue.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? QueuePosition { get; init; }

    /// <summary>A failure before any task exists: empty taskId and status, the error filled in.</summary>
    public static TaskObject Error(string code, string message) => new("", "", code, ErrorMessages.Refusal(code, message), null, "", "", null);
}

public sealed record TaskResult(string? Url, string OutputType, string? Text)
{
    /// <summary>The workflow node that produced the file (workflow and AI-app tasks); left out for a model's results.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? NodeId { get; init; }
}

/// <summary>What a task cost. Amounts and seconds are strings, as RunningHub sends them.</summary>
public sealed record TaskUsage(string? ConsumeMoney, string? ConsumeCoins, string? TaskCostTime, string? ThirdPartyConsumeMoney);
