using System.Text.Json;

namespace RunHub.Tests.Support;

/// <summary>Writes a catalog folder of text-to-image style models (prompt + aspectRatio, 0.03 CNY) for tests.</summary>
public static class TestCatalog
{
    /// <param name="models">Each model's endpoint, engine (null: none, so it is listed but not served) and deadline.</param>
    public static TempDirectory Write(params (string Endpoint, string? Engine, int TimeoutSeconds)[] models)
    {
        var dir = new TempDirectory();
        var registry = new
        {
            models = models.Select(m => new
            {
                endpoint = m.Endpoint,
                output_type = "image",
                engine = m.Engine is null ? null : new { name = m.Engine },
                timeoutSeconds = m.TimeoutSeconds,
                @params = new object[]
                {
                    new { fieldKey = "prompt", type = "STRING", required = true, minLength = 5, maxLength = 800 },
                    new
                    {
                        fieldKey = "aspectRatio", type = "LIST", required = true,
                        options = new[] { new { value = "auto" }, new { value = "1:1" }, new { value = "3:2" }, new { value = "2:3" } },
                    },
                },
            }),
        };
        var pricing = new
        {
            pricing = models.Select(m => new { endpoint = m.Endpoint, currency = "CNY", unit = "/次", pricing_type = "fixed", price = 0.03 }),
        };
        File.WriteAllText(Path.Combine(dir.Path, "models.json"), JsonSerializer.Serialize(registry));
        File.WriteAllText(Path.Combine(dir.Path, "pricing.json"), JsonSerializer.Serialize(pricing));
        return dir;
    }
}
