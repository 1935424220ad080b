using System.Text.Json;

namespace RunHub.Client;

/// <summary>A model the server serves: a light view of RunningHub's registry entry, with the entry itself in <see cref="Raw"/>.</summary>
/// <param name="Endpoint">The endpoint to submit to, e.g. <c>rhart-image-g-1.5/edit</c>.</param>
/// <param name="OutputType">What it produces: <c>image</c>, <c>video</c>, <c>audio</c>, <c>string</c>, <c>3d</c>.</param>
/// <param name="DisplayName">Its display name, when the registry has one.</param>
/// <param name="Category">Its registry category, e.g. <c>RunningHub/RHArt Image</c>.</param>
/// <param name="PriceText">The price in a few words (<c>0.03 CNY/次</c>, <c>0.9–1.6 CNY/秒 by resolution</c>); null when not given.</param>
/// <param name="Parameters">Its parameters, in registry order.</param>
/// <param name="Raw">The registry entry exactly as received (with <c>params</c> and <c>pricing</c>), for local validation.</param>
public sealed record ModelInfo(
    string Endpoint,
    string? OutputType,
    string? DisplayName,
    string? Category,
    string? PriceText,
    IReadOnlyList<ModelParameter> Parameters,
    JsonElement Raw);
