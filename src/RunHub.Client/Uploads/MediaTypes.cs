namespace RunHub.Client;

/// <summary>File extensions and content types of the media the API moves, both ways.</summary>
internal static class MediaTypes
{
    private static readonly (string Extension, string ContentType)[] Known =
    [
        ("png", "image/png"), ("jpg", "image/jpeg"), ("jpeg", "image/jpeg"), ("webp", "image/webp"), ("gif", "image/gif"),
        ("bmp", "image/bmp"), ("tiff", "image/tiff"), ("tif", "image/tiff"), ("heic", "image/heic"), ("avif", "image/avif"),
        ("mp4", "video/mp4"), ("mov", "video/quicktime"), ("webm", "video/webm"), ("mkv", "video/x-matroska"), ("avi", "video/x-msvideo"),
        ("mp3", "audio/mpeg"), ("wav", "audio/wav"), ("m4a", "audio/mp4"), ("flac", "audio/flac"), ("ogg", "audio/ogg"), ("aac", "audio/aac"),
        ("glb", "model/gltf-binary"), ("gltf", "model/gltf+json"), ("obj", "model/obj"), ("fbx", "application/octet-stream"),
        ("zip", "application/zip"), ("txt", "text/plain"), ("json", "application/json"),
    ];

    public static string ContentTypeOf(string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.').ToLowerInvariant();
        foreach (var (known, type) in Known)
            if (known == extension) return type;
        return "application/octet-stream";
    }

    /// <summary>The usual extension of a content type, or null when it says nothing useful.</summary>
    public static string? ExtensionOf(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || contentType == "application/octet-stream") return null;
        foreach (var (extension, type) in Known)
            if (string.Equals(type, contentType, StringComparison.OrdinalIgnoreCase)) return extension;
        return null;
    }

    /// <summary>
    /// A string usable as a file extension: short, letters and digits only. Output types that name a kind rather
    /// than a format (<c>image</c>, <c>video</c>, <c>3d</c>) are not extensions.
    /// </summary>
    public static string? AsExtension(string? candidate)
    {
        var text = candidate?.Trim().TrimStart('.').ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text.Length > 8 || !text.All(char.IsAsciiLetterOrDigit)) return null;
        return text is "image" or "video" or "audio" or "text" or "string" or "3d" or "file" or "url" ? null : text;
    }
}
