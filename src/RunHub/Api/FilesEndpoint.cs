using RunHub.Files;

namespace RunHub.Api;

/// <summary>
/// <c>GET|HEAD /files/{key}</c>: uploads and results, without a key, like RunningHub's CDN links, streamed from
/// whichever store is configured. Keys hold a random token, so a URL cannot be guessed; stored files never change,
/// so they cache forever. Nothing served here can run as a page of the API's origin (<see cref="ServedFileHeaders"/>).
/// </summary>
public static class FilesEndpoint
{
    public static async Task<IResult> Handle(string key, HttpRequest request, IFileStore files, CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return Results.NotFound();
        if (HttpMethods.IsHead(request.Method))
        {
            // Only the size is needed: with S3 this asks for the object's metadata, not its content.
            var length = await files.LengthAsync(key, cancellationToken);
            return length is null ? Results.NotFound() : new StoredFileResult(key, null, length.Value);
        }
        var stored = await files.OpenReadAsync(key, cancellationToken);
        return stored is null ? Results.NotFound() : new StoredFileResult(key, stored, stored.Length);
    }

    private sealed class StoredFileResult(string key, StoredFile? file, long length) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers.CacheControl = "public, max-age=31536000, immutable";
            var contentType = FileContentTypes.Of(key);
            ServedFileHeaders.Apply(response, key);
            if (file is null)
            {
                response.ContentType = contentType;
                response.ContentLength = length;
                response.Headers.AcceptRanges = "bytes";
                return;
            }
            // Both stores' files can seek (S3 with ranged GETs), so range requests are served from either.
            await using (file)
                await Results.Stream(file.Content, contentType, enableRangeProcessing: true).ExecuteAsync(httpContext);
        }
    }
}
