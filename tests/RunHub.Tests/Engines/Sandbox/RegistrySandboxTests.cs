using System.Text.Json.Nodes;
using RunHub.Catalog;
using RunHub.Tests.Catalog;
using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>
/// RunningHub's whole public registry served with <c>CatalogFile</c>/<c>PricingFile</c> (what <c>runhub serve --catalog
/// FILE --pricing FILE</c> sets): every endpoint, sent a request built from its own schema (every required field, the
/// first option of every list, a real uploaded file of an accepted format for every media field), ends SUCCESS with
/// results of its output type that the independent readers accept.
/// </summary>
public sealed class RegistrySandboxTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private ApiCaller _caller = null!;
    private readonly Dictionary<string, string> _uploads = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["CatalogFile"] = RunningHubRegistry.RegistryPath,
            ["PricingFile"] = RunningHubRegistry.PricingPath,
            ["Queue:Workers"] = "2",
        });
        _caller = await _server.NewCallerAsync(balance: 100_000m);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Every_endpoint_of_the_public_registry_succeeds_on_the_sandbox_with_a_result_of_its_kind()
    {
        var models = RunningHubRegistry.Models;
        var submitted = new List<(ModelEntry Model, string TaskId)>();
        var problems = new List<string>();
        foreach (var model in models)
        {
            var answer = await _caller.SubmitAsync(model.Endpoint, await BodyAsync(model));
            if ((string?)answer["errorCode"] is { Length: > 0 } code)
                problems.Add($"{model.Endpoint}: refused {code} {(string?)answer["errorMessage"]}");
            else
                submitted.Add((model, (string)answer["taskId"]!));
        }

        var results = new List<(string, string, JsonObject)>();
        foreach (var (model, taskId) in submitted)
        {
            var task = await _caller.WaitAsync(taskId, TimeSpan.FromMinutes(10));
            if ((string?)task["status"] != "SUCCESS")
            {
                problems.Add($"{model.Endpoint}: {(string?)task["status"]} {(string?)task["errorCode"]} {(string?)task["errorMessage"]}");
                continue;
            }
            var answered = task["results"]!.AsArray();
            if (answered.Count == 0) problems.Add($"{model.Endpoint}: no results");
            results.AddRange(answered.Select(r => (model.Endpoint, model.OutputType, r!.AsObject())));
        }
        problems.AddRange(await SandboxResultChecks.ProblemsAsync(_server.Http, results));

        Assert.True(models.Count >= 299, $"the fixture registry has {models.Count} models");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Every required field, and the first option of every list.</summary>
    private async Task<JsonObject> BodyAsync(ModelEntry model)
    {
        var body = new JsonObject();
        foreach (var p in model.Parameters)
        {
            if (p.Type == ParameterType.List && p.Options.Count > 0) body[p.FieldKey] = p.Options[0];
            else if (!p.Required) continue;
            else if (p.IsMedia)
            {
                var url = await UploadAsync(p);
                body[p.FieldKey] = p.MultipleInputs ? new JsonArray(url) : url;
            }
            else body[p.FieldKey] = p.Type switch
            {
                ParameterType.String => Text(p),
                ParameterType.Boolean => p.DefaultValue is { } d ? JsonNode.Parse(d.GetRawText()) : false,
                ParameterType.Int or ParameterType.Float => p.DefaultValue is { ValueKind: System.Text.Json.JsonValueKind.Number } n
                    && n.GetDouble() >= (p.Min ?? double.MinValue) && n.GetDouble() <= (p.Max ?? double.MaxValue)
                    ? JsonNode.Parse(n.GetRawText()) : p.Min ?? 1,
                _ => null,
            };
        }
        return body;
    }

    private static string Text(ParameterSpec p)
    {
        var text = "a lighthouse on a rock at dawn, waves below";
        if (p.MaxLength is { } max && text.Length > max) text = text[..max];
        while (p.MinLength is { } min && text.Length < min) text += " and more waves";
        return text;
    }

    /// <summary>A real file of the first format the field accepts that the test can make, uploaded once per format.</summary>
    private async Task<string> UploadAsync(ParameterSpec p)
    {
        var (extension, contentType) = p.Type switch
        {
            ParameterType.Image => p.Accept.Count == 0 || p.Accept.Contains("PNG") ? ("png", "image/png")
                : p.Accept.Contains("JPG") || p.Accept.Contains("JPEG") ? ("jpg", "image/jpeg") : ("webp", "image/webp"),
            ParameterType.Video => p.Accept.Count == 0 || p.Accept.Contains("MP4") ? ("mp4", "video/mp4") : ("mov", "video/quicktime"),
            _ => p.Accept.Count == 0 || p.Accept.Contains("MP3") ? ("mp3", "audio/mpeg") : ("wav", "audio/wav"),
        };
        if (_uploads.TryGetValue(extension, out var known)) return known;
        var bytes = extension switch
        {
            "png" => TestImages.Png(320, 240),
            "jpg" => TestImages.Jpeg(320, 240),
            "webp" => TestImages.Webp(320, 240),
            "mp4" or "mov" => await MediaReaders.MakeAsync(extension, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=24:duration=2", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast"),
            _ => await MediaReaders.MakeAsync(extension, "-f", "lavfi", "-i", "sine=frequency=440:duration=3"),
        };
        var answer = await _caller.UploadAsync(bytes, "input." + extension, contentType);
        Assert.True((int?)answer["code"] == 0, $"upload of a {extension} failed: {answer.ToJsonString()}");
        return _uploads[extension] = (string)answer["data"]!["download_url"]!;
    }
}
