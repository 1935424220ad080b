using RunHub.Wire;
using RunHub.Client;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using RunHub.Accounts;
using RunHub.Media;
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
    // Enough of the file's start for every signature MediaProbe knows.
    private const int HeadBytes = 4096;

    public sealed record Envelope(int Code, string Message, Uploaded? Data);

    public sealed record Uploaded(
        string Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("download_url")] string DownloadUrl,
        string FileName,
        string Size);

    public static async Task<Envelope> Handle(HttpRequest request, AccountDirectory accounts, IFileStore files, FileLinks links,
        IOptions<RunHubOptions> options, BodyLimits limits, FileRetention retention)
    {
        var key = BearerKey.From(request);
        if (key is null) return Error(RunHubErrorCodes.InvalidApiKey, BearerKey.MissingMessage);
        if (await accounts.AuthenticateAsync(key) is not { } accountId) return Error(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

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
        if (await StoreAsync(content, "openapi", accountId, files, retention, request.HttpContext.RequestAborted) is not { } stored)
            return Error(RunHubErrorCodes.InvalidParameters, NotMedia);
        var (name, format) = stored;
        return new Envelope(0, "success", new Uploaded(
            format.UploadType,
            links.UrlOf(name, BaseUrl.Of(request, options.Value)),
            name,
            file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Why a file that is not <see cref="MediaFormat.Uploadable"/> is refused.</summary>
    internal const string NotMedia =
        "file: not an image, audio, video or zip file (RunHub knows a file by its content, not its name or declared type)";

    /// <summary>
    /// Stores an uploaded file under <c>{folder}/{32 random hex digits}.{extension of its sniffed format}</c>, a new name
    /// for every upload even of the same bytes, and answers that key and the format; or null, storing nothing, when
    /// the content is not <see cref="MediaFormat.Uploadable"/>. The form reader has buffered a large file on disk; it is
    /// stored from there, never held in memory whole.
    /// </summary>
    /// <param name="content">The file, seekable, from its start (the form reader's buffer, or a temporary file).</param>
    /// <param name="accountId">The uploader, whose retention the upload's expiry follows (<see cref="FileRetention"/>).</param>
    internal static async Task<(string Key, MediaFormat Format)?> StoreAsync(Stream content, string folder, string accountId, IFileStore files,
        FileRetention retention, CancellationToken cancellationToken)
    {
        var head = new byte[Math.Min(content.Length, HeadBytes)];
        await content.ReadExactlyAsync(head, cancellationToken);
        content.Position = 0;
        if (MediaProbe.DetectFormat(head) is not { Uploadable: true } format) return null;
        var key = $"{folder}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}.{format.Extension}";
        // Recorded first: the file is then never in the store without an expiry.
        await retention.RecordUploadAsync(key, accountId, cancellationToken);
        await files.PutAsync(key, content, cancellationToken);
        return (key, format);
    }

    private static Envelope TooLarge(RunHubOptions options) =>
        Error(RunHubErrorCodes.FileTooLarge, $"file: larger than the {options.Media.MaxUploadMb} MB this server accepts");

    internal static Envelope Error(string code, string message) => new(int.Parse(code), ErrorMessages.Refusal(code, message), null);
}
