using System.Globalization;
using System.Text.Json;
using RunHub.Client;

namespace RunHub.Cli.Client;

/// <summary>How a task reads on a terminal: its status word, its error, its results, and any queue information.</summary>
internal static class TaskText
{
    /// <summary>The server's own status word (QUEUED, RUNNING, SUCCESS, FAILED, or RunningHub's CREATE, CANCEL).</summary>
    public static string Status(RunHubTask task) =>
        task.RawStatus.Length > 0 ? task.RawStatus : task.Status.ToString().ToUpperInvariant();

    public static string Seconds(TimeSpan elapsed) =>
        elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    /// <summary>
    /// Queue state or position, when the task object carries any (RunHub's does not; other servers and gateways
    /// may add fields such as a queue position): scalar fields whose names speak of a queue or a position.
    /// </summary>
    public static string Queue(RunHubTask task)
    {
        if (task.Raw.ValueKind != JsonValueKind.Object) return "";
        var parts = new List<string>();
        foreach (var property in task.Raw.EnumerateObject())
        {
            if (!property.Name.Contains("queue", StringComparison.OrdinalIgnoreCase)
                && !property.Name.Contains("position", StringComparison.OrdinalIgnoreCase)) continue;
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                _ => null,
            };
            if (!string.IsNullOrWhiteSpace(value)) parts.Add($"{property.Name} {value}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>How far a running task got, e.g. <c>40% KSampler</c>, when the server reports it (RunHub's <c>progress</c>).</summary>
    public static string Progress(RunHubTask task) => task.Progress?.ToString() ?? "";

    /// <summary>Status, elapsed time, progress and queue information on one line.</summary>
    public static string Line(RunHubTask task, TimeSpan elapsed)
    {
        var extras = new[] { Progress(task), Queue(task) }.Where(x => x.Length > 0);
        return string.Join(" ", new[] { task.TaskId, Status(task), Seconds(elapsed) }.Concat(extras));
    }

    /// <summary>The task for <c>runhub query</c>: one fact per line, a label and a value.</summary>
    public static IEnumerable<string> Describe(RunHubTask task)
    {
        yield return $"taskId   {task.TaskId}";
        yield return $"status   {Status(task)}";
        if (task.ErrorCode.Length > 0 || task.ErrorMessage.Length > 0)
            yield return $"error    {task.ErrorCode} {task.ErrorMessage}".TrimEnd();
        if (Progress(task) is { Length: > 0 } progress)
            yield return $"progress {progress}";
        if (Queue(task) is { Length: > 0 } queue)
            yield return $"queue    {queue}";
        foreach (var result in task.Results)
        {
            if (result.IsText) yield return $"text     {result.Text}";
            else if (result.Url is not null) yield return $"result   {result.Url}{(string.IsNullOrEmpty(result.OutputType) ? "" : $" ({result.OutputType})")}";
        }
        if (task.Usage is { } usage)
        {
            // The task object names no currency; `runhub balance` shows the wallet's.
            if (usage.ConsumeMoney is { } money) yield return $"charged  {money.ToString(CultureInfo.InvariantCulture)}";
            if (usage.ConsumeCoins is { } coins and not 0) yield return $"coins    {coins.ToString(CultureInfo.InvariantCulture)}";
            if (usage.TaskCostTime is { } time) yield return $"ran      {time.ToString(CultureInfo.InvariantCulture)} s";
        }
    }
}
