using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Engines.RunningHub;
using RunHub.Media;

namespace RunHub.Tests.Engines.RunningHub;

/// <summary>Engines pointed at a <see cref="FakeRunningHub"/>, and seed-edit jobs for them.</summary>
internal static class GatewayJobs
{
    public const string KeyVariable = "RUNHUB_TEST_UPSTREAM_KEY";
    public const string PublicImageUrl = "https://images.example.com/public/cat.png";

    /// <summary>An engine that reads <paramref name="key"/> from <see cref="KeyVariable"/> (and nothing from the real environment).</summary>
    public static RunningHubEngine Engine(string key, RunHubOptions? options = null)
    {
        options ??= new RunHubOptions { Media = { AllowPrivateNetworks = true } };
        // Local storage: RunHub's own file URLs are its /files/ URLs (the store itself is never read here).
        var ownFiles = new RunHub.Files.FileLinks(options, new RunHub.Files.LocalFileStore(Path.GetTempPath()));
        return new RunningHubEngine(options, ownFiles, NullLogger.Instance, name => name == KeyVariable ? key : null);
    }

    /// <summary>The backend settings for the fake, polling fast; <paramref name="extra"/> adds or overrides settings.</summary>
    public static EngineBinding Backend(string server, object? extra = null)
    {
        var settings = new Dictionary<string, object?>
        {
            ["server"] = server,
            ["apiKeyEnv"] = KeyVariable,
            ["pollSeconds"] = 0.02,
            ["maxPollSeconds"] = 0.1,
            ["busyRetrySeconds"] = 7,
        };
        if (extra is not null)
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
                settings[property.Name] = property.Value;
        return new EngineBinding(RunningHubEngine.EngineName, JsonSerializer.SerializeToElement(settings));
    }

    /// <summary>
    /// The seed edit with two inputs: a <c>data:</c> URI (local to RunHub: must be uploaded upstream) and a public
    /// https URL (must be passed through as is).
    /// </summary>
    public static EngineJob SeedEdit(EngineBinding backend, byte[] localImage, IProgress<EngineProgress>? progress = null)
    {
        var dataUri = Support.TestImages.DataUri(localImage);
        var model = new ModelEntry
        {
            Endpoint = "rhart-image-g-1.5/edit",
            OutputType = "image",
            Parameters = [],
            Engine = backend,
        };
        var parameters = new Dictionary<string, JsonElement>
        {
            ["prompt"] = JsonSerializer.SerializeToElement("A sudden, massive explosion behind them"),
            ["imageUrls"] = JsonSerializer.SerializeToElement(new[] { dataUri, PublicImageUrl }),
            ["aspectRatio"] = JsonSerializer.SerializeToElement("2:3"),
        };
        var inputs = new List<MediaInput>
        {
            new("imageUrls", 0, dataUri, localImage, "PNG", "image/png", 40, 30),
            new("imageUrls", 1, PublicImageUrl, Support.TestImages.Png(8, 8), "PNG", "image/png", 8, 8),
        };
        return new EngineJob("2013508786110730999", model, parameters, inputs) { Backend = backend, Progress = progress ?? new Progress<EngineProgress>() };
    }

    /// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
    public sealed class ProgressLog : IProgress<EngineProgress>
    {
        private readonly List<EngineProgress> _reports = [];

        public IReadOnlyList<EngineProgress> Reports
        {
            get { lock (_reports) return [.. _reports]; }
        }

        public void Report(EngineProgress value)
        {
            lock (_reports) _reports.Add(value);
        }
    }
}
