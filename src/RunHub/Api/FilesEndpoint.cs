using Microsoft.AspNetCore.StaticFiles;
using RunHub.Storage;

namespace RunHub.Api;

/// <summary>
/// <c>GET /files/{key}</c>: uploads and results, without a key, like RunningHub's CDN links. Keys hold a
/// random or content-derived token, so a URL cannot be guessed; stored files never change, so they cache forever.
/// </summary>
public static class FilesEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static async Task<IResult> Handle(string key, IFileStore files, CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return Results.NotFound();
        var stream = await files.OpenReadAsync(key, cancellationToken);
        if (stream is null) return Results.NotFound();
        if (!ContentTypes.TryGetContentType(key, out var contentType)) contentType = "application/octet-stream";
        return new ImmutableFileResult(stream, contentType);
    }

    private sealed class ImmutableFileResult(Stream stream, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.CacheControl = "public, max-age=31536000, immutable";
            headers.XContentTypeOptions = "nosniff";
            await Results.Stream(stream, contentType, enableRangeProcessing: true).ExecuteAsync(httpContext);
        }
    }
}
