using System.Diagnostics;
using System.Text.Json.Nodes;

namespace RunHub.Tests.Support;

/// <summary>
/// Independent readers for the sandbox's results: Debian's ffprobe (video, audio, images) and the Khronos glTF
/// validator (3D), both installed by tests/services/media-tools.sh. Neither shares code with what RunHub writes.
/// A missing tool fails the test with what to install: these readers are required, never skipped.
/// </summary>
internal static class MediaReaders
{
    /// <summary><c>ffprobe -show_format -show_streams</c> of the bytes, as JSON.</summary>
    public static async Task<JsonObject> ProbeAsync(byte[] data, string extension)
    {
        using var file = new TempDirectory();
        var path = Path.Combine(file.Path, "probe." + extension);
        await File.WriteAllBytesAsync(path, data);
        var (exit, output, error) = await RunAsync("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-of", "json", path]);
        Assert.True(exit == 0, $"ffprobe could not read the {extension} file: {error}");
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>The first stream of <paramref name="kind"/> ("video" or "audio") ffprobe found.</summary>
    public static JsonObject Stream(JsonObject probe, string kind) =>
        probe["streams"]!.AsArray().Select(s => s!.AsObject()).FirstOrDefault(s => (string?)s["codec_type"] == kind)
        ?? throw new Xunit.Sdk.XunitException($"no {kind} stream in {probe.ToJsonString()}");

    public static double Duration(JsonObject probe) =>
        double.Parse((string)probe["format"]!["duration"]!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A format tag (e.g. <c>comment</c>) whatever its case, or null.</summary>
    public static string? Tag(JsonObject probe, string name) =>
        probe["format"]?["tags"]?.AsObject().FirstOrDefault(t => string.Equals(t.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();

    /// <summary>The Khronos glTF validator's report of a GLB (its <c>issues.numErrors</c> must be 0 for a valid file).</summary>
    public static async Task<JsonObject> ValidateGlbAsync(byte[] glb) => (await ValidateGlbsAsync([glb]))[0];

    /// <summary>The validator's reports of several GLBs, in order, from one Node.js process (starting one costs more than validating).</summary>
    public static async Task<IReadOnlyList<JsonObject>> ValidateGlbsAsync(IReadOnlyList<byte[]> glbs)
    {
        var validator = Environment.GetEnvironmentVariable("RUNHUB_TEST_GLTF_VALIDATOR");
        Assert.True(validator is not null && Directory.Exists(validator),
            "the glTF validator is missing: run the tests with tests/run (tests/services/media-tools.sh installs the npm package gltf-validator)");
        using var folder = new TempDirectory();
        var paths = new List<string>();
        for (var i = 0; i < glbs.Count; i++)
        {
            paths.Add(Path.Combine(folder.Path, $"model-{i}.glb"));
            await File.WriteAllBytesAsync(paths[^1], glbs[i]);
        }
        const string script = "const v=require(process.argv[1]);const fs=require('fs');" +
            "Promise.all(process.argv.slice(2).map(p=>v.validateBytes(new Uint8Array(fs.readFileSync(p)))))" +
            ".then(r=>console.log(JSON.stringify(r)),e=>{console.error(String(e));process.exit(2)});";
        var (exit, output, error) = await RunAsync("node", ["-e", script, validator!, .. paths]);
        Assert.True(exit == 0, $"the glTF validator failed: {error}");
        return JsonNode.Parse(output)!.AsArray().Select(r => r!.AsObject()).ToList();
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{tool} is not installed ({e.Message}): run the tests with tests/run, whose tests/services/media-tools.sh installs it");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await error);
        }
    }

    /// <summary>Makes a small test video or audio file with ffmpeg's own sources (e.g. <c>testsrc</c>, <c>sine</c>).</summary>
    public static async Task<byte[]> MakeAsync(string extension, params string[] arguments)
    {
        using var file = new TempDirectory();
        var path = Path.Combine(file.Path, "made." + extension);
        var (exit, _, error) = await RunAsync("ffmpeg", ["-v", "error", "-y", .. arguments, path]);
        Assert.True(exit == 0, $"ffmpeg could not make the test file: {error}");
        return await File.ReadAllBytesAsync(path);
    }
}
