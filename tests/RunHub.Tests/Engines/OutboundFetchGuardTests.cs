using System.Reflection;
using System.Text.Json.Nodes;
using RunHub.Engines;
using RunHub.Tests.Engines.ComfyUi;
using RunHub.Tests.Engines.OpenAiImages.Support;
using RunHub.Tests.Engines.RunningHub;
using RunHub.Tests.Engines.Sandbox;
using RunHub.Tests.Media.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines;

/// <summary>
/// Every engine RunHub ships, found by reflection, is shown here to fetch no URL that came from outside (a backend's
/// answer, a request parameter) except through the SSRF guard (issue 11 item 9). Each gets a bait server on loopback,
/// the guard's default (no private networks), and a way to be told to fetch the bait; the bait must see no connection.
/// A new engine fails <see cref="Every_shipped_engine_has_a_guard_scenario"/> until it gets a scenario here.
/// </summary>
public sealed class OutboundFetchGuardTests
{
    private static readonly IReadOnlyDictionary<string, Func<LoopbackServer, Task>> Scenarios = new Dictionary<string, Func<LoopbackServer, Task>>
    {
        ["openai-images"] = OpenAiImagesLinkToBaitAsync,
        ["runninghub"] = RunningHubResultOnBaitAsync,
        ["comfyui"] = ComfyUiOutputNamedAfterBaitAsync,
        ["sandbox"] = SandboxPromptNamingBaitAsync,
    };

    public static TheoryData<string> ShippedEngines => new(EngineNames());

    /// <summary>The <c>EngineName</c> of every <see cref="IEngine"/> class in the server's assembly.</summary>
    private static IEnumerable<string> EngineNames() =>
        typeof(IEngine).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IEngine).IsAssignableFrom(t))
            .Select(t => (string)t.GetField("EngineName", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Every_shipped_engine_has_a_guard_scenario() =>
        Assert.Equal(EngineNames(), Scenarios.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ShippedEngines))]
    public async Task An_engine_never_connects_to_a_loopback_url_it_was_handed(string engine)
    {
        await using var bait = await LoopbackServer.ServingAsync(TestImages.Png(8, 8), "image/png");

        await Scenarios[engine](bait);

        Assert.Equal(0, bait.Connections);
    }

    /// <summary>The images API answers with a link to the bait: refused as a loopback address, 1012.</summary>
    private static async Task OpenAiImagesLinkToBaitAsync(LoopbackServer bait)
    {
        await using var fake = await FakeOpenAiImages.StartAsync();
        fake.Script(FakeReply.Data($"[{{\"url\": \"{bait.Url("/result.png")}\"}}]"));
        using var engine = OpenAiJobs.Engine(fake, guarded: true);

        var failure = await Assert.ThrowsAsync<EngineException>(() => engine.RunAsync(OpenAiJobs.Text(OpenAiJobs.Backend(fake), "1:1")));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains("loopback address", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>The upstream's finished task lists a result on the bait: refused, 1012.</summary>
    private static async Task RunningHubResultOnBaitAsync(LoopbackServer bait)
    {
        await using var fake = await FakeRunningHub.StartAsync();
        fake.Script = new FakeScript { QueuedPolls = 0, RunningPolls = 0, ResultUrl = bait.Url("/result.png") };
        using var engine = GatewayJobs.Engine(fake.ApiKey, new RunHubOptions());

        var failure = await Assert.ThrowsAsync<EngineException>(() =>
            engine.RunAsync(GatewayJobs.SeedEdit(GatewayJobs.Backend(fake.Root), TestImages.Png(40, 30)), CancellationToken.None));

        Assert.Equal("1012", failure.ErrorCode);
        Assert.Contains("loopback address", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// ComfyUI names its output files itself (here after a prefix that spells the bait's URL); they are fetched from
    /// the configured server's <c>/view</c> only, whatever they are called.
    /// </summary>
    private static async Task ComfyUiOutputNamedAfterBaitAsync(LoopbackServer bait)
    {
        await using var comfy = await FakeComfyUi.StartAsync();
        using var catalog = ComfyExample.Catalog(comfy.Url,
            workflow: graph => graph["60"]!["inputs"]!["filename_prefix"] = bait.Url("/x"));
        using var engine = ComfyExample.Engine(catalog.Path);

        var output = await engine.RunAsync(ComfyExample.Job(ComfyExample.Model(catalog.Path), "Put a lighthouse behind them", "1:1", null,
            TestImages.Png(60, 40)), CancellationToken.None);

        Assert.Single(output.Files);
    }

    /// <summary>The sandbox gets its inputs already fetched and never opens a connection, even to a URL in a prompt.</summary>
    private static async Task SandboxPromptNamingBaitAsync(LoopbackServer bait)
    {
        var output = await SandboxJobs.Engine().RunAsync(SandboxJobs.Job($"fetch {bait.Url("/x.png")} please", "1:1", TestImages.Png(60, 40)),
            CancellationToken.None);

        Assert.Single(output.Files);
    }
}
