using RunHub.Wire;
using System.Text.Json;
using System.Text.Json.Serialization;
using RunHub.Api;
using RunHub.Engines;

namespace RunHub.Tasks;

/// <summary>
/// A running task's progress as <c>query</c> shows it (the RunHub extension field <c>progress</c>): only the parts
/// the engine knows are written.
/// </summary>
public sealed record ProgressReport(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Percent,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Node,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueuePosition)
{
    public static ProgressReport From(EngineProgress report) => new(
        report.Percent is { } p ? Math.Clamp(p, 0, 100) : null,
        report.Node is { Length: > 200 } node ? node[..200] : report.Node,
        report.QueuePosition is { } q ? Math.Max(0, q) : null);

    [JsonIgnore]
    public bool IsEmpty => Percent is null && Node is null && QueuePosition is null;

    public string ToJson() => JsonSerializer.Serialize(this, WireJson.Options);

    /// <summary>The stored report, or null when there is none or it cannot be read.</summary>
    public static ProgressReport? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            var progress = JsonSerializer.Deserialize<ProgressReport>(json, WireJson.Options);
            return progress is null || progress.IsEmpty ? null : progress;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
