using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RunHub.Api;
using RunHub.Client;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.Workflows.Api;

/// <summary>
/// A task as the workflow API (v1) tells it: its status word, and its outputs — RunningHub's
/// <c>[{fileUrl, fileType, taskCostTime, nodeId, consumeMoney, consumeCoins, thirdPartyConsumeMoney}]</c> once it
/// succeeded, else the state as a code (813 queued, 804 running, 805 failed with <c>data.failedReason</c>).
/// A cancelled task is FAILED in this family (its clients know no other end), with the cancel as the reason.
/// </summary>
public static class WorkflowOutputs
{
    /// <summary>One output; <c>consumeMoney</c> and <c>taskCostTime</c> are the task's (strings, as RunningHub sends them).</summary>
    public sealed record Output(string? FileUrl, string FileType, string TaskCostTime, string? NodeId, string ConsumeMoney,
        string? ConsumeCoins, string? ThirdPartyConsumeMoney)
    {
        /// <summary>A text result (no file).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Text { get; init; }
    }

    /// <summary>QUEUED, RUNNING, SUCCESS or FAILED.</summary>
    public static string Status(TaskRecord task) => task.Status == TaskStatuses.Cancel ? TaskStatuses.Failed : task.Status;

    public static Envelope<object> Of(TaskRecord task, Func<string, string> fileUrl)
    {
        switch (task.Status)
        {
            case TaskStatuses.Queued:
                return WorkflowApiAnswer.State(RunHubErrorCodes.TaskQueued);
            case TaskStatuses.Running:
                return WorkflowApiAnswer.State(RunHubErrorCodes.TaskRunning);
            case TaskStatuses.Success:
                var (charge, seconds) = TaskObjectMapper.Cost(task);
                var time = seconds.ToString(CultureInfo.InvariantCulture);
                var stored = JsonSerializer.Deserialize<List<StoredResult>>(task.Results ?? "[]", WireJson.Options) ?? [];
                var outputs = stored.Select(r => new Output(r.Key is null ? null : fileUrl(r.Key), r.OutputType, time, r.NodeId,
                    charge.ToString(), null, null) { Text = r.Text }).ToList();
                return Envelope<object>.Success(outputs);
            default:
                return WorkflowApiAnswer.Error<object>(RunHubErrorCodes.TaskFailed, task.ErrorMessage, new { failedReason = FailedReason(task) });
        }
    }

    /// <summary>
    /// RunningHub's <c>failedReason</c>: <c>{node_id, node_name, exception_type, exception_message, traceback,
    /// current_inputs, current_outputs}</c> (strings). RunHub keeps no traceback nor node inputs, so those are empty;
    /// <c>errorCode</c> (a RunHub extension) is the task's code.
    /// </summary>
    public static JsonObject FailedReason(TaskRecord task)
    {
        JsonObject? node = null;
        try
        {
            node = task.Failure is { } failure ? JsonNode.Parse(failure) as JsonObject : null;
        }
        catch (JsonException)
        {
            // An unreadable report: the task's own message says what happened.
        }
        var cancelled = task.Status == TaskStatuses.Cancel;
        return new JsonObject
        {
            ["node_id"] = (string?)node?["node_id"] ?? "",
            ["node_name"] = (string?)node?["node_type"] ?? "",
            ["exception_type"] = (string?)node?["exception_type"] ?? (cancelled ? "Cancelled" : ""),
            ["exception_message"] = (string?)node?["exception_message"] ?? task.ErrorMessage,
            ["traceback"] = "",
            ["current_inputs"] = "",
            ["current_outputs"] = "",
            ["errorCode"] = task.ErrorCode,
        };
    }
}
