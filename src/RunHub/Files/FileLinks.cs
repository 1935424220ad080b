using Microsoft.Extensions.Options;

namespace RunHub.Files;

/// <summary>
/// The URLs RunHub gives out for stored files (through its own <c>/files/</c>, presigned, or public, per
/// <c>RunHub:Storage:S3:Urls</c>), and the way back: which stored file a URL of RunHub's points at, whatever
/// form it was given out in, so workers read such inputs from storage instead of over HTTP.
/// </summary>
public sealed class FileLinks
{
    private const string FilesPath = "/files/";
    private readonly FileUrlMode _mode;
    private readonly S3FileStore? _s3;
    private readonly string[] _filePaths;
    private readonly Uri? _publicBase;
    private readonly Uri? _runHubBase;

    public FileLinks(IOptions<RunHubOptions> options, IFileStore store)
        : this(options.Value, store)
    {
    }

    internal FileLinks(RunHubOptions options, IFileStore store)
    {
        _s3 = store as S3FileStore;
        _mode = _s3?.Settings.Urls ?? FileUrlMode.Proxy;
        _publicBase = _s3?.Settings.PublicBaseUrl is { } publicBase ? new Uri(publicBase + "/") : null;
        var basePath = Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var baseUri) ? baseUri.AbsolutePath.TrimEnd('/') : "";
        _runHubBase = baseUri is null ? null : new Uri(baseUri.GetLeftPart(UriPartial.Authority) + basePath + FilesPath);
        _filePaths = basePath.Length == 0 ? [FilesPath] : [FilesPath, basePath + FilesPath];
    }

    public FileUrlMode Mode => _mode;

    /// <summary>The URL a client is given for a stored file.</summary>
    /// <param name="runHubBaseUrl">RunHub's own base URL as this client reaches it (for <c>/files/</c> URLs).</param>
    public string UrlOf(string key, string runHubBaseUrl) => _mode switch
    {
        FileUrlMode.Presigned => _s3!.PresignedUrl(key, _s3.Settings.PresignedUrlLifetime),
        FileUrlMode.Public => _publicBase + key,
        _ => OwnUrlOf(key, runHubBaseUrl),
    };

    /// <summary>
    /// The URL of RunHub's own <c>/files/</c> route for a key, whatever <see cref="Mode"/> is: for what only RunHub
    /// serves, such as the inline inputs kept in the database (not in the bucket).
    /// </summary>
    /// <param name="runHubBaseUrl">RunHub's own base URL as this client reaches it.</param>
    public static string OwnUrlOf(string key, string runHubBaseUrl) => $"{runHubBaseUrl}{FilesPath}{key}";

    /// <summary>
    /// The key of the stored file a URL names, or null when it is not one of RunHub's: <c>/files/</c> URLs on any
    /// host (RunHub answers under every name it is reached by), the bucket's public base URL, and the bucket's own
    /// object URLs (presigned or not: RunHub has read access to the bucket anyway). Whether the key is stored is
    /// not checked here.
    /// </summary>
    public string? KeyOf(Uri uri)
    {
        var path = uri.AbsolutePath;
        foreach (var prefix in _filePaths)
            if (path.StartsWith(prefix, StringComparison.Ordinal) && Valid(path[prefix.Length..]) is { } key)
                return key;
        if (_publicBase is not null && Under(uri, _publicBase) is { } publicKey) return publicKey;
        if (_s3 is not null && Under(uri, _s3.ObjectUrlBase) is { } objectKey) return objectKey;
        return null;
    }

    /// <summary>
    /// Whether a URL <see cref="KeyOf"/> recognises is certainly RunHub's own, not only shaped like one: under
    /// <c>RunHub:PublicBaseUrl</c>, the bucket's public base URL or the bucket itself. A <c>/files/</c> URL on another
    /// host may be another server's.
    /// </summary>
    public bool IsOwn(Uri uri) =>
        (_runHubBase is not null && Under(uri, _runHubBase) is not null)
        || (_publicBase is not null && Under(uri, _publicBase) is not null)
        || (_s3 is not null && Under(uri, _s3.ObjectUrlBase) is not null);

    private static string? Under(Uri uri, Uri root) =>
        Uri.Compare(uri, root, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0
        && uri.AbsolutePath.StartsWith(root.AbsolutePath, StringComparison.Ordinal)
            ? Valid(uri.AbsolutePath[root.AbsolutePath.Length..])
            : null;

    private static string? Valid(string key) => FileKey.IsValid(key) ? key : null;
}
