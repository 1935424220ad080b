using System.Text.Json;

namespace RunHub.Engines.ComfyUi;

/// <summary>One file a node saved: what <c>GET /view</c> needs to fetch it.</summary>
internal sealed record OutputRef(string NodeId, string FileName, string Subfolder, string Type)
{
    public string Extension => Path.GetExtension(FileName).TrimStart('.').ToLowerInvariant() is { Length: > 0 } ext ? ext : "bin";
}

/// <summary>
/// A finished prompt as <c>GET /history/{id}</c> tells it: <c>status.status_str</c> (success or error), the
/// files each output node saved (<c>outputs.{node}.images</c>, and <c>gifs</c>/<c>videos</c>/<c>audio</c> of video
/// and audio nodes), the <c>execution_error</c> among <c>status.messages</c> when it failed, and how long it ran:
/// <see cref="RunMilliseconds"/>, from the <c>timestamp</c> (Unix ms) of its <c>execution_start</c> message to that of
/// the message that ended it, when the server records them (it does from 2024 on).
/// </summary>
internal sealed record HistoryEntry(bool Succeeded, IReadOnlyList<OutputRef> Outputs, ExecutionFailure? Failure)
{
    /// <summary>ComfyUI's own measure of the run in ms, or null when its history has no timestamps.</summary>
    public long? RunMilliseconds { get; init; }

    private static readonly string[] FileLists = ["images", "gifs", "videos", "audio"];

    public static HistoryEntry Read(JsonElement entry)
    {
        var outputs = new List<OutputRef>();
        if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("outputs", out var nodes) && nodes.ValueKind == JsonValueKind.Object)
        {
            foreach (var node in nodes.EnumerateObject())
            {
                if (node.Value.ValueKind != JsonValueKind.Object) continue;
                foreach (var listName in FileLists)
                {
                    if (!node.Value.TryGetProperty(listName, out var list) || list.ValueKind != JsonValueKind.Array) continue;
                    foreach (var file in list.EnumerateArray())
                    {
                        if (file.ValueKind != JsonValueKind.Object || Text(file, "filename") is not { Length: > 0 } name) continue;
                        outputs.Add(new OutputRef(node.Name, name, Text(file, "subfolder") ?? "", Text(file, "type") ?? "output"));
                    }
                }
            }
        }

        var status = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var statusText = status.ValueKind == JsonValueKind.Object ? Text(status, "status_str") : null;
        ExecutionFailure? failure = null;
        long? startedAt = null, endedAt = null;
        if (status.ValueKind == JsonValueKind.Object && status.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Array || message.GetArrayLength() < 2 || message[0].ValueKind != JsonValueKind.String) continue;
                var kind = message[0].GetString();
                if (kind is "execution_error" or "execution_interrupted") failure = ExecutionFailure.Read(kind, message[1]);
                var timestamp = long.TryParse(Text(message[1], "timestamp"), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms : (long?)null;
                if (kind == "execution_start") startedAt ??= timestamp;
                else if (kind is "execution_success" or "execution_error" or "execution_interrupted") endedAt = timestamp ?? endedAt;
            }
        }
        // Old builds have no status; outputs alone then mean it ran.
        var succeeded = statusText is null ? failure is null : statusText == "success";
        if (!succeeded && failure is null) failure = new ExecutionFailure("execution_error", null, null, $"status {statusText}");
        return new HistoryEntry(succeeded, outputs, failure)
        {
            RunMilliseconds = startedAt is { } start && endedAt is { } end && end >= start ? end - start : null,
        };
    }

    internal static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}

/// <summary>An <c>execution_error</c> or <c>execution_interrupted</c>: where and why, without the traceback.</summary>
internal sealed record ExecutionFailure(string Kind, string? NodeId, string? NodeType, string? Message)
{
    public bool Interrupted => Kind == "execution_interrupted";

    public string? ExceptionType { get; init; }
    public string? ExceptionMessage { get; init; }

    public static ExecutionFailure Read(string kind, JsonElement data)
    {
        var type = HistoryEntry.Text(data, "exception_type");
        var text = HistoryEntry.Text(data, "exception_message")?.Trim();
        var message = type is null ? text : text is null ? type : $"{type}: {text}";
        return new ExecutionFailure(kind, HistoryEntry.Text(data, "node_id"), HistoryEntry.Text(data, "node_type"), message)
        {
            ExceptionType = type,
            ExceptionMessage = text,
        };
    }

    /// <summary>The report for the workflow API's <c>failedReason</c>: where and what, capped, never the traceback.</summary>
    public string ToReport() => new System.Text.Json.Nodes.JsonObject
    {
        ["node_id"] = NodeId,
        ["node_type"] = NodeType,
        ["exception_type"] = ExceptionType ?? (Interrupted ? "InterruptProcessingException" : null),
        ["exception_message"] = Cap(ExceptionMessage ?? Describe(), 2000),
    }.ToJsonString();

    private static string Cap(string text, int limit) => text.Length > limit ? text[..limit] + "…" : text;

    public string Describe()
    {
        var where = NodeId is null ? "" : $" in node {NodeId}{(NodeType is null ? "" : $" ({NodeType})")}";
        var what = Interrupted ? "the prompt was interrupted on the ComfyUI server" : $"ComfyUI failed{where}";
        var message = Message is { Length: > 600 } m ? m[..600] + "…" : Message;
        return Interrupted ? what + where : message is null ? what : $"{what}: {message}";
    }
}
