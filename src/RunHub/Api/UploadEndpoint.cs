using RunHub.Wire;
using RunHub.Client;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Files;

namespace RunHub.Api;

/// <summary>
/// <c>POST /openapi/v2/media/upload/binary</c> (multipart field <c>file</c>): takes only what RunningHub's upload takes
/// (images, audio, video and zip archives, known by their content: <see cref="MediaFormat.Uploadable"/>; anything else
/// is refused with 1007), stores it under a fresh random name (128 bits, per upload: a URL reveals nothing about the
/// file and cannot be guessed, so nobody can test whether some file was uploaded) with the extension of its sniffed
/// format, never the client's, and answers with a <c>download_url</c> usable in any media parameter.
/// </summary>
public static class UploadEndpoint
{
    public sealed record Envelope(int Code, string Message, Uploaded? Data);

    public sealed record Uploaded(
        string Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("download_url")] string DownloadUrl,
        string FileName,
        string Size);

    public static async Task<Envelope> Handle(HttpRequest request, RequestKeys keys, UploadedFiles uploads, FileLinks links,
        IOptions<RunHubOptions> options, BodyLimits limits)
    {
        var key = await keys.CheckBearerAsync(request);
        if (key.Access is not { AccountId: var accountId }) return Error(key.Code(RunHubErrorCodes.InvalidApiKey), key.Message);

        var limit = options.Value.Media.MaxUploadMb * 1024L * 1024;
        if (request.ContentLength > limits.Upload) return TooLarge(options.Value);
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return Error(RunHubErrorCodes.InvalidParameters, "file: send the file as multipart/form-data in a field named 'file'");
        // Only here, after the key, is the server's small default body limit raised to the upload limit.
        BodySize.AllowAtLeast(request, limits.Upload);
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return TooLarge(options.Value);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return Error(RunHubErrorCodes.InvalidParameters, $"file: the multipart body is malformed or ended early ({e.Message})");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(options.Value);
        }
        catch (BadHttpRequestException e)
        {
            return Error(RunHubErrorCodes.InvalidParameters, $"file: the body could not be read ({e.Message})");
        }
        var file = form.Files.GetFile("file");
        if (file is null) return Error(RunHubErrorCodes.InvalidParameters, "file: required (multipart field 'file')");
        if (file.Length == 0) return Error(RunHubErrorCodes.InvalidParameters, "file: the file is empty");
        if (file.Length > limit) return TooLarge(options.Value);

        await using var content = file.OpenReadStream();
        var outcome = await uploads.StoreAsync(content, "openapi", accountId, request.HttpContext.RequestAborted);
        if (outcome is not UploadOutcome.Stored { Upload: var stored })
            return outcome is UploadOutcome.OverQuota over
                ? Error(RunHubErrorCodes.FileTooLarge, over.Message)
                : Error(RunHubErrorCodes.InvalidParameters, UploadedFiles.NotMedia);
        return new Envelope(0, "success", new Uploaded(
            stored.Format.UploadType,
            links.UrlOf(stored.Key, BaseUrl.Of(request, options.Value)),
            stored.Key,
            stored.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static Envelope TooLarge(RunHubOptions options) =>
        Error(RunHubErrorCodes.FileTooLarge, $"file: larger than the {options.Media.MaxUploadMb} MB this server accepts");

    internal static Envelope Error(string code, string message) => new(int.Parse(code), ErrorMessages.Refusal(code, message), null);
}
