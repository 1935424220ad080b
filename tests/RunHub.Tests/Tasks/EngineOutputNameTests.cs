using Microsoft.Extensions.DependencyInjection;
using RunHub.Engines;
using RunHub.Tests.Support;

namespace RunHub.Tests.Tasks;

/// <summary>
/// A result's file name is built from what the engine passed on from its backend (a ComfyUI output's file name,
/// an upstream's outputType); issue 11 item 8's kind on the server: only a plain extension ever names a file.
/// </summary>
public sealed class EngineOutputNameTests
{
    private sealed class OddNamesEngine(string extension) : IEngine
    {
        public string Name => "odd-names";

        public Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken) =>
            Task.FromResult(new EngineOutput([new OutputFile(extension, TestImages.Png(4, 4))]));
    }

    [Theory]
    [InlineData("png/../../../../escaped")]
    [InlineData("/tmp/runhub-escaped")]
    [InlineData("p ng")]
    [InlineData("")]
    public async Task An_output_extension_that_is_not_plain_is_stored_as_bin_inside_the_results(string extension)
    {
        using var catalog = TestCatalog.Write(("test/odd", "odd-names", 600));
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["CatalogDir"] = catalog.Path },
            configureServices: s => s.AddSingleton<IEngine>(new OddNamesEngine(extension)));
        var caller = await server.NewCallerAsync();

        var submitted = await caller.SubmitAsync("test/odd", new { prompt = "names from a backend", aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        var result = done["results"]![0]!;
        Assert.Equal("bin", (string)result["outputType"]!);
        Assert.Matches("/files/results/[0-9a-f]{32}/0\\.bin$", (string)result["url"]!);
        var stored = Directory.GetFiles(server.DataDir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("runhub.db", StringComparison.Ordinal) && !f.Contains("runhub.db-", StringComparison.Ordinal));
        Assert.All(stored, f => Assert.StartsWith(Path.Combine(server.DataDir, "files", "results"), f));
        Assert.False(File.Exists("/tmp/runhub-escaped"));
    }
}
