using RunHub.Wire;
using System.Globalization;
using System.Text.Json;
using RunHub.Accounts;
using RunHub.Files;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>Turns a stored task into the wire's task object, with result URLs as <see cref="FileLinks"/> gives them out.</summary>
public static class TaskObjectMapper
{
    /// <param name="fileUrl">The URL of a stored result, by key.</param>
    public static TaskObject ToWire(TaskRecord task, Func<string, string> fileUrl)
    {
        IReadOnlyList<TaskResult>? results = null;
        if (task.Status == TaskStatuses.Success && task.Results is not null)
        {
            var stored = JsonSerializer.Deserialize<List<StoredResult>>(task.Results, WireJson.Options) ?? [];
            results = stored.Select(r => new TaskResult(r.Key is null ? null : fileUrl(r.Key), r.OutputType, r.Text) { NodeId = r.NodeId }).ToList();
        }
        TaskUsage? usage = null;
        if (task.Status == TaskStatuses.Success)
        {
            var (money, seconds) = Cost(task);
            usage = new TaskUsage(money.ToString(), null, seconds.ToString(CultureInfo.InvariantCulture), null);
        }
        return new TaskObject(task.Id, task.Status, task.ErrorCode, task.ErrorMessage, results, task.ClientId,
            task.PromptTips ?? PromptTips.Accepted, usage)
        {
            Progress = task.Status == TaskStatuses.Running ? ProgressReport.Parse(task.Progress) : null,
        };
    }

    /// <summary>
    /// What a finished task cost and how long it took in seconds: for a task billed by run time the charge settled and
    /// the backend's run time (started seconds, at least one); else the price and the run's wall time.
    /// </summary>
    public static (Money Charge, long Seconds) Cost(TaskRecord task)
    {
        if (task.CostMs is { } ms) return (new Money(task.Charged ?? task.Price), Math.Max(1, (ms + 999) / 1000));
        var seconds = task is { StartedAt: { } s, FinishedAt: { } f } ? Math.Max(0, (f - s + 500) / 1000) : 0;
        return (new Money(task.Price), seconds);
    }
}
