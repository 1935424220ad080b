using Microsoft.Extensions.Options;
using RunHub.Client;
using RunHub.Files;
using RunHub.Wire;

namespace RunHub.Api;

/// <summary>
/// <c>GET|HEAD /files/{key}</c>: uploads and results, without a key, like RunningHub's CDN links, streamed from
/// whichever store is configured. Keys hold a random token, so a URL cannot be guessed; stored files never change,
/// so they cache forever — until they expire (<see cref="FileRetention"/>). Inline inputs kept in the database are served
/// here too (<see cref="StoredInputs"/>), whatever the storage's URL mode. Nothing served here can run as a page of
/// the API's origin (<see cref="ServedFileHeaders"/>). A file that is not there answers 404 with a JSON reason in its
/// family's shape: an upload's as its upload call answers (v2 <c>{code, message, data}</c>, v1 <c>{code, msg, data}</c>),
/// a result's as a task object (errorCode 1004).
/// </summary>
public static class FilesEndpoint
{
    public static async Task<IResult> Handle(string key, HttpRequest request, StoredInputs files, IOptions<RunHubOptions> options,
        CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return Missing(key, options.Value);
        if (HttpMethods.IsHead(request.Method))
        {
            // Only the size is needed: with S3 this asks for the object's metadata, not its content.
            var length = await files.LengthAsync(key, cancellationToken);
            return length is null ? Results.NotFound() : new StoredFileResult(key, null, length.Value);
        }
        var stored = await files.OpenReadAsync(key, cancellationToken);
        return stored is null ? Missing(key, options.Value) : new StoredFileResult(key, stored, stored.Length);
    }

    /// <summary>
    /// 404 with the reason. Whether the file expired or never existed is not told apart: either way it is not coming
    /// back, and saying which would tell a guesser which keys were real.
    /// </summary>
    private static IResult Missing(string key, RunHubOptions options)
    {
        // Uploads of the v2 call are under openapi/, of the workflow API's (v1) under api/.
        var v1Upload = key.StartsWith("api/", StringComparison.Ordinal);
        var upload = v1Upload || key.StartsWith("openapi/", StringComparison.Ordinal);
        var kind = upload ? "uploads" : StoredInputs.MayBeInDatabase(key) ? "inline inputs" : "result files";
        var message = $"file not found: {kind} are kept for {options.Retention.Days:0.##} days " +
            $"after {(upload ? "they are uploaded" : "their task ends")} (some accounts keep them for another time); this one has expired " +
            "or never existed";
        var shape = v1Upload ? AnswerShape.Envelope : upload ? AnswerShape.Upload : AnswerShape.TaskObject;
        return Results.Json(AnswerShapes.Error(shape, RunHubErrorCodes.TaskNotFound, message), WireJson.Options, statusCode: StatusCodes.Status404NotFound);
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
