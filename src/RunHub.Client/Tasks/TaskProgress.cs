using System.Text.Json;

namespace RunHub.Client;

/// <summary>
/// How far a running task got, as RunHub reports it in its extension field <c>progress</c> (RunningHub does not
/// send it): percent done, the step or node it is on, its place in the backend's queue. Any part may be unknown.
/// </summary>
public sealed record TaskProgress(int? Percent, string? Node, int? QueuePosition)
{
    internal static TaskProgress? Read(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object) return null;
        var progress = new TaskProgress(Int(obj, "percent"), obj.TryGetProperty("node", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null,
            Int(obj, "queuePosition"));
        return progress is { Percent: null, Node: null, QueuePosition: null } ? null : progress;
    }

    private static int? Int(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    /// <summary>E.g. <c>40% KSampler</c> or <c>queued at 2</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Percent is { } p) parts.Add($"{p}%");
        if (Node is { Length: > 0 } node) parts.Add(node);
        if (QueuePosition is > 0 and var q) parts.Add($"queued at {q}");
        return string.Join(" ", parts);
    }
}
