using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RunHub.Accounts;
using RunHub.Api;
using RunHub.Client;
using RunHub.Files;
using RunHub.Wire;

namespace RunHub.Workflows.Api;

/// <summary>
/// <c>POST /task/openapi/upload</c>, multipart: <c>file</c>, <c>apiKey</c> (or a Bearer header) and <c>fileType</c>
/// (<c>input</c>, <c>image</c>, <c>video</c>, <c>audio</c>). Takes only images, audio, video and zip archives, known by
/// their content (<see cref="UploadedFiles"/>, as <see cref="UploadEndpoint"/>), stores the file under a new random name and answers
/// <c>{code: 0, data: {fileName: "api/&lt;32 random hex digits&gt;.png", fileType}}</c>: that <c>fileName</c> is what a
/// <c>nodeInfoList</c> entry of a LoadImage (or video, audio) node takes as its <c>fieldValue</c>.
/// The key is in the form, so the form is read part by part: the body may grow past the server's small default limit
/// to the upload limit only once a key has been checked (RunningHub's clients send <c>apiKey</c> before the file); a
/// file before any key may be at most that default.
/// </summary>
public static class UploadV1Endpoint
{
    private const int MaxFieldChars = 4096;

    /// <summary>The <c>data</c> of the answer.</summary>
    public sealed record Uploaded(string FileName, string FileType);

    public static async Task<Envelope<object>> HandleAsync(HttpRequest request, RequestKeys keys, UploadedFiles uploads,
        IOptions<RunHubOptions> options, BodyLimits limits)
    {
        var aborted = request.HttpContext.RequestAborted;
        string? accountId = null;
        var bearer = BearerKey.From(request, out var repeated);
        if (bearer is not null || repeated is not null)
        {
            var (key, refusal) = await WorkflowApiCall.AuthenticateAsync(request.HttpContext, bearer, keys, repeated);
            if (key is null) return refusal!;
            accountId = key.AccountId;
            BodySize.AllowAtLeast(request, limits.Upload);
        }
        if (request.ContentLength > limits.Upload) return TooLarge(options.Value);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
            return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, "file: send multipart/form-data with the file in a field named 'file' and the key in 'apiKey'");

        var fileType = "input";
        var keyFields = 0;
        await using var file = new FileStream(Path.Combine(Path.GetTempPath(), "runhub-upload-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var hasFile = false;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(aborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.IsFileDisposition())
                {
                    if (name != "file" || hasFile) continue;
                    hasFile = true;
                    await section.Body.CopyToAsync(file, aborted);
                    if (file.Length > limits.Upload - 64 * 1024) return TooLarge(options.Value);
                    continue;
                }
                var value = await ReadFieldAsync(section.Body, aborted);
                if (name is "apiKey" or "apikey")
                {
                    // A second key field is refused as a repeated Authorization header is: taking either would be a guess.
                    if (++keyFields > 1)
                        return (await WorkflowApiCall.AuthenticateAsync(request.HttpContext, null, keys, SingleValue.Repeated(name, keyFields))).Refusal!;
                    var (key, refusal) = await WorkflowApiCall.AuthenticateAsync(request.HttpContext, value, keys);
                    if (key is null) return refusal!;
                    accountId = key.AccountId;
                    BodySize.AllowAtLeast(request, limits.Upload);
                }
                else if (name == "fileType" && value is { Length: > 0 and <= 16 } given && given.All(char.IsAsciiLetter))
                {
                    fileType = given.ToLowerInvariant();
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return accountId is null
                ? WorkflowApiAnswer.Error(RunHubErrorCodes.FileSizeExceeded, "file: larger than the server takes before it has seen a key; send apiKey before the file, or an Authorization: Bearer header")
                : TooLarge(options.Value);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, $"file: the multipart body is malformed or ended early ({e.Message})");
        }

        if (accountId is null)
            return (await WorkflowApiCall.AuthenticateAsync(request.HttpContext, null, keys,
                missingMessage: "missing API key: send the form field apiKey before the file (or Authorization: Bearer KEY)")).Refusal!;
        if (!hasFile) return WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, "file: required (multipart field 'file')");
        if (file.Length == 0) return WorkflowApiAnswer.Error(RunHubErrorCodes.UploadFailed, "file: the file is empty");
        file.Position = 0;
        var outcome = await uploads.StoreAsync(file, "api", accountId, aborted);
        if (outcome is not UploadOutcome.Stored { Upload: var stored })
            return outcome is UploadOutcome.OverQuota over
                ? WorkflowApiAnswer.Error(RunHubErrorCodes.FileSizeExceeded, over.Message)
                : WorkflowApiAnswer.Error(RunHubErrorCodes.ParamsInvalid, UploadedFiles.NotMedia);
        return Envelope<object>.Success(new Uploaded(stored.Key, fileType));
    }

    /// <summary>A form field's text, at most <see cref="MaxFieldChars"/> characters (the rest is not read).</summary>
    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[MaxFieldChars];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return new string(buffer, 0, read).Trim();
    }

    private static Envelope<object> TooLarge(RunHubOptions options) =>
        WorkflowApiAnswer.Error(RunHubErrorCodes.FileSizeExceeded, $"file: larger than the {options.Media.MaxUploadMb} MB this server accepts");
}
