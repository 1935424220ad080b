using RunHub.Wire;
using System.Text.Json;

namespace RunHub.Wire;

/// <summary>The one JSON shape of the wire: camelCase names, nulls written out (clients read absent and null differently).</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
