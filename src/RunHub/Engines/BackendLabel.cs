using System.Text.Json;
using RunHub.Catalog;

namespace RunHub.Engines;

/// <summary>
/// How a backend is named in messages and logs: the engine and, when it has one, its server's address reduced to
/// scheme, host, port and path — never user info or a query, where a careless catalog might hold a secret.
/// </summary>
public static class BackendLabel
{
    public static string Of(EngineBinding backend, int position)
    {
        if (backend.Settings is { ValueKind: JsonValueKind.Object } settings
            && settings.TryGetProperty("server", out var server) && server.ValueKind == JsonValueKind.String
            && Uri.TryCreate(server.GetString(), UriKind.Absolute, out var uri))
            return $"{backend.Name} ({uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped).TrimEnd('/')})";
        return $"{backend.Name} #{position + 1}";
    }
}
