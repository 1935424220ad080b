using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>One parameter of a model, with the RunningHub registry's own fields.</summary>
public sealed record ParameterSpec
{
    public required string FieldKey { get; init; }
    public required ParameterType Type { get; init; }
    public bool Required { get; init; }
    public string? Label { get; init; }
    public string? Description { get; init; }
    public JsonElement? DefaultValue { get; init; }
    /// <summary>Allowed values of a LIST parameter (the registry's <c>options[].value</c>), as strings.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public double? Min { get; init; }
    public double? Max { get; init; }
    public double? Step { get; init; }
    /// <summary>Accepted file formats of a media parameter, upper case (e.g. JPG, PNG).</summary>
    public IReadOnlyList<string> Accept { get; init; } = [];
    /// <summary>Largest accepted file of a media parameter, in MB.</summary>
    public double? MaxSizeMb { get; init; }
    public bool MultipleInputs { get; init; }
    public int? MaxInputNum { get; init; }

    public bool IsMedia => Type is ParameterType.Image or ParameterType.Video or ParameterType.Audio;

    /// <summary>
    /// The value RunHub fills in when a request leaves this field out: the registry's default, but only
    /// for settings (LIST, BOOLEAN, INT, FLOAT). The registry's defaults of STRING and media fields are
    /// the sample prompts, texts and runninghub.cn file URLs its UI pre-fills, not settings; quietly
    /// generating (and charging for) a sample prompt when a client forgot its own would be a silent
    /// failure, so those fields are never defaulted and, when required, must be sent.
    /// </summary>
    public JsonElement? AppliedDefault =>
        Type is ParameterType.List or ParameterType.Boolean or ParameterType.Int or ParameterType.Float ? DefaultValue : null;
}
