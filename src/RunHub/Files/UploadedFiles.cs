using RunHub.Media;

namespace RunHub.Files;

/// <summary>
/// Stores an uploaded file the one way RunHub stores uploads, shared by the API's upload
/// (<c>/openapi/v2/media/upload/binary</c>), the workflow API's upload and the console's playground: only what
/// RunningHub's upload takes (images, audio, video and zip archives, known by their content:
/// <see cref="MediaFormat.Uploadable"/>), under a fresh random name (128 bits, per upload: a URL reveals nothing about
/// the file and cannot be guessed, so nobody can test whether some file was uploaded) with the extension of its sniffed
/// format, never the client's. Each upload's expiry is recorded before its file is stored (<see cref="FileRetention"/>),
/// so no upload is ever in the store without one.
/// </summary>
public sealed class UploadedFiles(IFileStore files, FileRetention retention)
{
    /// <summary>Why a file that is not <see cref="MediaFormat.Uploadable"/> is refused (the 1007 message of the uploads).</summary>
    public const string NotMedia =
        "file: not an image, audio, video or zip file (RunHub knows a file by its content, not its name or declared type)";

    // Enough of the file's start for every signature MediaProbe knows.
    private const int HeadBytes = 4096;

    /// <summary>
    /// Stores <paramref name="content"/> under <c>{folder}/{32 random hex digits}.{extension of its sniffed format}</c>,
    /// a new name for every upload even of the same bytes, and answers it; or refuses it, storing nothing, when the
    /// content is not <see cref="MediaFormat.Uploadable"/> or would pass the MB of uploads its account may keep
    /// (<see cref="FileRetention.RecordUploadAsync"/>). The form reader has buffered a large file on disk; it is stored
    /// from there, never held in memory whole. When storing the bytes fails, the upload's record is taken back (its
    /// size no longer counts) and the failure is thrown.
    /// </summary>
    /// <param name="content">The file, seekable, from its start (the form reader's buffer, or a temporary file); not disposed.</param>
    /// <param name="folder">The storage folder: <c>openapi</c> for the v2 upload and the playground, <c>api</c> for the workflow API's.</param>
    /// <param name="accountId">The uploader, whose retention the upload's expiry follows and whose uploads it counts with.</param>
    public async Task<UploadOutcome> StoreAsync(Stream content, string folder, string accountId, CancellationToken cancellationToken)
    {
        var length = content.Length;
        var head = new byte[Math.Min(length, HeadBytes)];
        await content.ReadExactlyAsync(head, cancellationToken);
        content.Position = 0;
        if (MediaProbe.DetectFormat(head) is not { Uploadable: true } format) return new UploadOutcome.NotMedia();
        var key = $"{folder}/{RandomHex.Digits(32)}.{format.Extension}";
        if (await retention.RecordUploadAsync(key, accountId, length, cancellationToken) is { } overQuota) return overQuota;
        try
        {
            await files.PutAsync(key, content, cancellationToken);
        }
        catch
        {
            await retention.ForgetUploadAsync(key, CancellationToken.None);
            throw;
        }
        return new UploadOutcome.Stored(new StoredUpload(key, format, length));
    }
}

/// <summary>A stored upload: its file key, its sniffed format (<see cref="MediaFormat.UploadType"/> is the type the upload answer names), its size in bytes.</summary>
public sealed record StoredUpload(string Key, MediaFormat Format, long Size);
