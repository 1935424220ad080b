using RunHub.Engines;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>A ComfyUI behind an authenticating proxy: the token comes from the environment and goes nowhere else.</summary>
public sealed class ComfyUiAuthTests : IAsyncLifetime
{
    private const string KeyVariable = "RUNHUB_TEST_COMFYUI_TOKEN_7F3A";
    private const string Token = "tok-5d0c9a7e1b2f4e6a8c3d";
    private FakeComfyUi _comfy = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(KeyVariable, Token);
        _comfy = await FakeComfyUi.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _comfy.DisposeAsync();
        Environment.SetEnvironmentVariable(KeyVariable, null);
    }

    [Fact]
    public async Task Token_named_by_apiKeyEnv_is_sent_on_every_request_and_the_socket_but_never_in_an_error()
    {
        _comfy.Behaviour.FailNode = "40";
        using var catalog = ComfyExample.Catalog(_comfy.Url, settings: s => s["apiKeyEnv"] = KeyVariable);
        using var engine = ComfyExample.Engine(catalog.Path);
        var job = ComfyExample.Job(ComfyExample.Model(catalog.Path), "Put a lighthouse behind them", "1:1", null, TestImages.Png(64, 64));

        var error = await Assert.ThrowsAsync<EngineException>(() => engine.RunAsync(job, CancellationToken.None));

        var seen = _comfy.Authorizations.ToList();
        foreach (var path in new[] { "/upload/image", "/ws", "/prompt" })
            Assert.Contains($"{path} Bearer {Token}", seen);
        Assert.All(seen, line => Assert.EndsWith($"Bearer {Token}", line));
        Assert.DoesNotContain(Token, error.Message);
        Assert.DoesNotContain(Token, File.ReadAllText(Path.Combine(catalog.Path, "models.json")));
    }
}
