using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Dispatch;

/// <summary>A catalog folder with one model (prompt + aspectRatio, 0.03 CNY) served by the given backends.</summary>
public static class DispatchCatalog
{
    public const string Endpoint = "test/dispatch";

    public static TempDirectory Write(int timeoutSeconds, params string[] servers)
    {
        var dir = new TempDirectory();
        var registry = new
        {
            models = new[]
            {
                new
                {
                    endpoint = Endpoint,
                    output_type = "image",
                    timeoutSeconds,
                    engines = servers.Select(s => new { name = "scripted", settings = new { server = s } }),
                    @params = new object[]
                    {
                        new { fieldKey = "prompt", type = "STRING", required = true, minLength = 5, maxLength = 800 },
                        new { fieldKey = "aspectRatio", type = "LIST", required = true, options = new[] { new { value = "1:1" } } },
                    },
                },
            },
        };
        var pricing = new { pricing = new[] { new { endpoint = Endpoint, currency = "CNY", unit = "/次", pricing_type = "fixed", price = 0.03 } } };
        File.WriteAllText(Path.Combine(dir.Path, "models.json"), JsonSerializer.Serialize(registry));
        File.WriteAllText(Path.Combine(dir.Path, "pricing.json"), JsonSerializer.Serialize(pricing));
        return dir;
    }
}
