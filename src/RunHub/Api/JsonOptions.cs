using System.Text.Json;

namespace RunHub.Api;

/// <summary>The one JSON shape of the wire: camelCase names, nulls written out (clients read absent and null differently).</summary>
public static class JsonOptions
{
    public static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);
}
