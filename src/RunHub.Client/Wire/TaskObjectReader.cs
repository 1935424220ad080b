using System.Text.Json;

namespace RunHub.Client;

/// <summary>Reads RunningHub's flat task object into a <see cref="RunHubTask"/>.</summary>
internal static class TaskObjectReader
{
    /// <summary>Whether a JSON object is shaped like a task object (rather than an envelope or another payload).</summary>
    public static bool LooksLikeTask(JsonElement obj) =>
        obj.ValueKind == JsonValueKind.Object
        && (JsonText.Has(obj, "taskId") || JsonText.Has(obj, "errorCode") || JsonText.Has(obj, "errorMessage"));

    public static RunHubTask Read(JsonElement obj)
    {
        var rawStatus = (JsonText.Read(obj, "status") ?? "").Trim();
        var errorCode = JsonText.Read(obj, "errorCode") ?? "";
        var errorMessage = JsonText.Read(obj, "errorMessage") ?? "";
        return new RunHubTask
        {
            TaskId = JsonText.Read(obj, "taskId") ?? "",
            RawStatus = rawStatus,
            // Any error on a task means it failed, whatever its status word says (RunningHub's own clients read it so).
            Status = errorCode.Length > 0 || errorMessage.Length > 0 ? RunHubTaskStatus.Failed : StatusOf(rawStatus),
            ErrorCode = errorCode,
            ErrorMessage = errorMessage,
            Results = ResultsOf(JsonText.Child(obj, "results", JsonValueKind.Array)),
            ClientId = JsonText.Read(obj, "clientId"),
            PromptTips = JsonText.Read(obj, "promptTips"),
            Usage = UsageOf(JsonText.Child(obj, "usage", JsonValueKind.Object)),
            Progress = TaskProgress.Read(JsonText.Child(obj, "progress", JsonValueKind.Object)),
            Raw = obj.Clone(),
        };
    }

    public static RunHubTaskStatus StatusOf(string status) => status.ToUpperInvariant() switch
    {
        "QUEUED" or "CREATE" => RunHubTaskStatus.Queued,
        "RUNNING" => RunHubTaskStatus.Running,
        "SUCCESS" => RunHubTaskStatus.Success,
        "FAILED" or "CANCEL" => RunHubTaskStatus.Failed,
        _ => RunHubTaskStatus.Unknown,
    };

    private static List<TaskResult> ResultsOf(JsonElement results)
    {
        var list = new List<TaskResult>();
        if (results.ValueKind != JsonValueKind.Array) return list;
        foreach (var item in results.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                // Some answers list bare URLs.
                list.Add(new TaskResult(item.GetString(), null, null, item.Clone()));
                continue;
            }
            if (item.ValueKind != JsonValueKind.Object) continue;
            list.Add(new TaskResult(
                JsonText.ReadFirst(item, "url", "outputUrl"),
                JsonText.ReadFirst(item, "outputType"),
                JsonText.ReadFirst(item, "text", "content", "output"),
                item.Clone()));
        }
        return list;
    }

    private static TaskUsage? UsageOf(JsonElement usage) =>
        usage.ValueKind != JsonValueKind.Object
            ? null
            : new TaskUsage(
                JsonText.Decimal(usage, "consumeMoney"),
                JsonText.Decimal(usage, "consumeCoins"),
                JsonText.Decimal(usage, "taskCostTime"),
                JsonText.Decimal(usage, "thirdPartyConsumeMoney"));
}
