using Microsoft.AspNetCore.Http.Features;

namespace RunHub.Api;

/// <summary>
/// Kestrel's per-request body limit. Its default (<c>Api:MaxJsonBodyKb</c>) bounds what any request costs; an endpoint
/// that reads more (a submit with inline inputs, an upload) raises it for itself, once the key has been checked. It is
/// never lowered: a refused body up to the default is drained so the client reads the answer on a healthy connection.
/// </summary>
internal static class BodySize
{
    public static void AllowAtLeast(HttpRequest request, long bytes)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature
            && feature.MaxRequestBodySize is { } current && current < bytes)
            feature.MaxRequestBodySize = bytes;
    }
}
