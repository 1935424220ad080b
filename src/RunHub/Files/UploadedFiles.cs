using System.Security.Cryptography;
using RunHub.Media;

namespace RunHub.Files;

/// <summary>
/// Stores an uploaded file under a name derived from its content (<c>openapi/&lt;sha256&gt;.&lt;ext&gt;</c>, the
/// extension from the content's format when it is known): what the API's upload and the console's playground share.
/// </summary>
public sealed class UploadedFiles(IFileStore files)
{
    // Enough of the file's start for every signature MediaProbe knows.
    private const int HeadBytes = 4096;

    /// <param name="content">A seekable stream of the whole file (a buffered form file); read twice, not disposed.</param>
    /// <param name="fileName">The name the client gave, used only for the extension of a format not recognised.</param>
    public async Task<StoredUpload> StoreAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        var length = content.Length;
        var head = new byte[Math.Min(length, HeadBytes)];
        await content.ReadExactlyAsync(head, cancellationToken);
        content.Position = 0;
        var hash = await SHA256.HashDataAsync(content, cancellationToken);
        content.Position = 0;

        var format = MediaProbe.DetectFormat(head);
        var extension = format?.Extension ?? SafeExtension(fileName) ?? "bin";
        var key = $"openapi/{Convert.ToHexStringLower(hash)}.{extension}";
        await files.PutAsync(key, content, cancellationToken);
        return new StoredUpload(key, format?.UploadType ?? MediaFormat.UploadTypeOf(MediaKind.Other), length);
    }

    private static string? SafeExtension(string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        return extension.Length is > 0 and <= 8 && extension.All(char.IsAsciiLetterOrDigit) ? extension : null;
    }
}

/// <summary>A stored upload: its file key, its type as the upload answer names it (image, video, audio, ...), its size in bytes.</summary>
public sealed record StoredUpload(string Key, string Type, long Size);
