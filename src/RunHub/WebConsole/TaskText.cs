using System.Text.Json;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.WebConsole;

/// <summary>How the console reads a stored task: its results and its progress as one line.</summary>
public static class TaskText
{
    public static IReadOnlyList<StoredResult> Results(TaskRecord task) =>
        task.Status == TaskStatuses.Success && task.Results is { } json
            ? JsonSerializer.Deserialize<List<StoredResult>>(json, WireJson.Options) ?? []
            : [];

    /// <summary>"40% · KSampler · 2 ahead in the queue", or "" when the engine reported nothing.</summary>
    public static string Progress(TaskRecord task)
    {
        if (task.Status != TaskStatuses.Running || ProgressReport.Parse(task.Progress) is not { } p) return "";
        var parts = new List<string>();
        if (p.Percent is { } percent) parts.Add($"{percent}%");
        if (!string.IsNullOrEmpty(p.Node)) parts.Add(p.Node);
        if (p.QueuePosition is > 0) parts.Add($"{p.QueuePosition} ahead in the queue");
        return string.Join(" · ", parts);
    }

    /// <summary>What kind of preview a result gets: image, video, audio, text or none (a download link only).</summary>
    public static string PreviewKind(StoredResult result)
    {
        if (result.Text is not null) return "text";
        var type = result.OutputType.ToLowerInvariant();
        return type switch
        {
            "png" or "jpg" or "jpeg" or "webp" or "gif" or "bmp" => "image",
            "mp4" or "webm" or "mov" => "video",
            "mp3" or "wav" or "ogg" or "flac" or "m4a" or "aac" => "audio",
            _ => "file",
        };
    }
}
