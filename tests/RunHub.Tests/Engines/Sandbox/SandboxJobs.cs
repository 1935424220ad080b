using System.Text.Json;
using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Engines.Sandbox;
using RunHub.Media;
using SkiaSharp;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>Builds sandbox engines and jobs for the seed model (<c>rhart-image-g-1.5/edit</c>) by hand.</summary>
internal static class SandboxJobs
{
    public static ModelEntry EditModel { get; } = new()
    {
        Endpoint = "rhart-image-g-1.5/edit",
        OutputType = "image",
        Parameters =
        [
            new ParameterSpec { FieldKey = "prompt", Type = ParameterType.String, Required = true, MinLength = 5, MaxLength = 800 },
            new ParameterSpec { FieldKey = "imageUrls", Type = ParameterType.Image, Required = true, Accept = ["JPG", "PNG"], MaxSizeMb = 10, MultipleInputs = true, MaxInputNum = 2 },
            new ParameterSpec { FieldKey = "aspectRatio", Type = ParameterType.List, Required = true, Options = ["auto", "1:1", "3:2", "2:3"] },
        ],
        Engine = new EngineBinding("sandbox"),
    };

    public static SandboxEngine Engine(int delayMs = 0, double failureRate = 0) =>
        new(Options.Create(new RunHubOptions { Engines = { Sandbox = { DelayMs = delayMs, FailureRate = failureRate } } }));

    /// <summary>A model of this output type with these parameters (media parameters take one file each unless <c>multipleInputs</c>).</summary>
    public static ModelEntry Model(string outputType, params ParameterSpec[] parameters) => new()
    {
        Endpoint = $"test-{outputType}/model",
        OutputType = outputType,
        Parameters = parameters,
        Engine = new EngineBinding("sandbox"),
    };

    /// <summary>A job of <paramref name="model"/>; each input is (field, bytes, format such as PNG or MP4).</summary>
    public static EngineJob Job(ModelEntry model, IReadOnlyDictionary<string, object> parameters, params (string Field, byte[] Data, string Format)[] inputs)
    {
        var json = parameters.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value));
        var media = inputs.Select((input, i) => new MediaInput(input.Field, i, $"https://example.test/{input.Field}-{i}", input.Data, input.Format,
            MediaFormat.Find(input.Format)?.ContentType ?? "application/octet-stream")).ToList();
        return new EngineJob("2013508786110730241", model, json, media);
    }

    public static EngineJob Job(string prompt, string aspectRatio, params byte[][] images) =>
        Job("2013508786110730241", new Dictionary<string, object> { ["prompt"] = prompt, ["aspectRatio"] = aspectRatio }, images);

    public static EngineJob Job(string taskId, IReadOnlyDictionary<string, object> parameters, params byte[][] images)
    {
        var inputs = images.Select((data, i) => Input(i, data)).ToList();
        var json = parameters.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value));
        return new EngineJob(taskId, EditModel, json, inputs);
    }

    public static MediaInput Input(int index, byte[] data)
    {
        using var skData = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(skData);
        var jpeg = codec?.EncodedFormat == SKEncodedImageFormat.Jpeg;
        return new MediaInput(
            FieldKey: "imageUrls",
            Index: index,
            SourceUrl: $"https://example.test/input-{index}",
            Data: data,
            Format: jpeg ? "JPG" : "PNG",
            ContentType: jpeg ? "image/jpeg" : "image/png",
            Width: codec?.Info.Width,
            Height: codec?.Info.Height);
    }

    /// <summary>Runs the job and returns its single PNG.</summary>
    public static async Task<byte[]> RunPng(this SandboxEngine engine, EngineJob job)
    {
        var output = await engine.RunAsync(job, CancellationToken.None);
        var file = Assert.Single(output.Files);
        Assert.Equal("png", file.Extension);
        Assert.NotNull(file.Data);
        return file.Data;
    }
}
