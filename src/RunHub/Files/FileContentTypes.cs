using Microsoft.AspNetCore.StaticFiles;

namespace RunHub.Files;

/// <summary>The content type a stored file is served with, from its key's extension.</summary>
public static class FileContentTypes
{
    private static readonly FileExtensionContentTypeProvider Known = new();

    public static string Of(string key) => Known.TryGetContentType(key, out var type) ? type : "application/octet-stream";
}
