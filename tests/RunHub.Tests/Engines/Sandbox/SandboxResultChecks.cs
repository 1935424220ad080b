using System.Text;
using System.Text.Json.Nodes;
using RunHub.Engines.Sandbox;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>Checks one result of a sandbox task with the independent readers: the kind the model's output type promises, valid, and marked.</summary>
internal static class SandboxResultChecks
{
    /// <summary>
    /// Problems of many results at once (endpoint: problem): files are read in parallel with ffprobe, and every GLB by one
    /// run of the glTF validator, so a whole registry's results are checked in seconds rather than minutes.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(HttpClient http, IReadOnlyList<(string Endpoint, string OutputType, JsonObject Result)> results)
    {
        var problems = new System.Collections.Concurrent.ConcurrentBag<string>();
        var glbs = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>();
        await Parallel.ForEachAsync(results, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, _) =>
        {
            if (item.OutputType == "3d" && (string?)item.Result["outputType"] == "glb" && (string?)item.Result["url"] is { } url)
                glbs[item.Endpoint] = await http.GetByteArrayAsync(url);
            else if (await ProblemAsync(http, item.OutputType, item.Result) is { } problem)
                problems.Add($"{item.Endpoint}: {problem}");
        });
        var endpoints = glbs.Keys.Order(StringComparer.Ordinal).ToList();
        var reports = endpoints.Count == 0 ? [] : await MediaReaders.ValidateGlbsAsync(endpoints.Select(e => glbs[e]).ToList());
        for (var i = 0; i < endpoints.Count; i++)
            if (GlbProblem(reports[i]) is { } problem) problems.Add($"{endpoints[i]}: {problem}");
        foreach (var item in results.Where(r => r.OutputType == "3d" && !glbs.ContainsKey(r.Endpoint)))
            problems.Add($"{item.Endpoint}: outputType {(string?)item.Result["outputType"]}, expected a glb with a url");
        return problems.Order(StringComparer.Ordinal).ToList();
    }

    private static string? GlbProblem(JsonObject report)
    {
        if ((int?)report["issues"]?["numErrors"] != 0) return $"the glTF validator found errors: {report["issues"]?.ToJsonString()}";
        return (string?)report["info"]?["generator"] == SandboxMark.Software ? null : $"asset.generator is {report["info"]?["generator"]}";
    }

    /// <summary>Returns a problem, or null when the result is a valid, marked file (or text) of the model's kind.</summary>
    public static async Task<string?> ProblemAsync(HttpClient http, string outputType, JsonObject result)
    {
        var type = (string?)result["outputType"];
        if (outputType == "string")
        {
            var text = (string?)result["text"];
            if (type != "txt") return $"outputType {type}, expected txt";
            if (text is null || !text.StartsWith($"[{SandboxMark.Software}]", StringComparison.Ordinal)) return $"text does not start with the sandbox's mark: {text}";
            return null;
        }
        var url = (string?)result["url"];
        if (url is null) return "no url";
        var bytes = await http.GetByteArrayAsync(url);
        switch (outputType)
        {
            case "image":
                if (type is not ("png" or "jpg" or "webp")) return $"outputType {type}, expected png, jpg or webp";
                var image = MediaReaders.Stream(await MediaReaders.ProbeAsync(bytes, type), "video");
                if ((int?)image["width"] is not > 0) return $"ffprobe found no picture: {image.ToJsonString()}";
                return Contains(bytes, SandboxMark.Software) ? null : "the picture does not carry the sandbox's mark";
            case "video":
                if (type != "mp4") return $"outputType {type}, expected mp4";
                var video = await MediaReaders.ProbeAsync(bytes, "mp4");
                if ((string?)MediaReaders.Stream(video, "video")["codec_name"] != "h264") return "the video is not H.264";
                return MediaReaders.Tag(video, "comment")?.Contains(SandboxMark.Software, StringComparison.Ordinal) == true ? null : "the MP4 does not carry the sandbox's mark";
            case "audio":
                if (type is not ("mp3" or "wav")) return $"outputType {type}, expected mp3 or wav";
                var audio = await MediaReaders.ProbeAsync(bytes, type);
                if (MediaReaders.Duration(audio) <= 0) return "the audio has no length";
                MediaReaders.Stream(audio, "audio");
                return Contains(bytes, SandboxMark.Software) ? null : "the audio does not carry the sandbox's mark";
            case "3d":
                if (type != "glb") return $"outputType {type}, expected glb";
                return GlbProblem(await MediaReaders.ValidateGlbAsync(bytes));
            default:
                return $"unknown output type {outputType}";
        }
    }

    public static bool Contains(byte[] bytes, string text) => bytes.AsSpan().IndexOf(Encoding.Latin1.GetBytes(text)) >= 0;
}
