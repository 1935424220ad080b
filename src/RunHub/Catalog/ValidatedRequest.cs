using System.Text.Json;

namespace RunHub.Catalog;

/// <summary>A media input named in a request: which field, which position in it, and the URL given.</summary>
public sealed record MediaReference(string FieldKey, int Index, string Url);

/// <summary>
/// A request body that passed the model's schema: every known parameter with defaults applied
/// (values as the client sent them: elements of the request body's document, valid while it is), and the media URLs to fetch, in order.
/// </summary>
public sealed record ValidatedRequest(
    ModelEntry Model,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    IReadOnlyList<MediaReference> Media);
