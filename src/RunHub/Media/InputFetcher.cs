using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Storage;

namespace RunHub.Media;

/// <summary>
/// Turns a media URL from a request into checked bytes: http(s) URLs (guarded against reaching internal
/// networks), <c>data:</c> URLs, and RunHub's own <c>/files/{key}</c> URLs, which are read from storage so
/// that uploads work even where RunHub itself is on a private address. Every failure is an
/// <see cref="InputRejectedException"/> naming the field and index.
/// </summary>
public sealed class InputFetcher : IDisposable
{
    private readonly MediaOptions _options;
    private readonly IFileStore _store;
    private readonly HttpDownloader _downloader;
    private readonly string[] _filePrefixes;

    public InputFetcher(IOptions<RunHubOptions> options, IFileStore store)
        : this(options.Value, store, GuardedConnector.ResolveWithDns)
    {
    }

    internal InputFetcher(RunHubOptions options, IFileStore store, HostResolver resolve)
    {
        _options = options.Media;
        _store = store;
        _downloader = new HttpDownloader(new NetworkPolicy(options.Media), resolve, options.Media.MaxRedirects);
        _filePrefixes = FilePrefixes(options.PublicBaseUrl);
    }

    /// <exception cref="InputRejectedException">The input could not be fetched or is not acceptable for <paramref name="spec"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<MediaInput> FetchAsync(MediaReference reference, ParameterSpec spec, CancellationToken cancellationToken)
    {
        var subject = $"{reference.FieldKey}[{reference.Index}]";
        var seconds = Math.Max(1, _options.FetchTimeoutSeconds);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            var data = await ReadAsync(reference.Url, SizeLimit.For(spec.MaxSizeMb), deadline.Token);
            var (format, width, height) = InputAcceptance.Check(data, spec, _options.MaxImagePixels);
            return new MediaInput(reference.FieldKey, reference.Index, reference.Url, data, format.Name, format.ContentType, width, height);
        }
        catch (FetchRefusedException e)
        {
            throw new InputRejectedException($"{subject}: {e.Message}", e.InnerException);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new InputRejectedException($"{subject}: timed out after {seconds} s", e);
        }
    }

    private async Task<byte[]> ReadAsync(string url, SizeLimit limit, CancellationToken cancellationToken)
    {
        if (DataUri.IsDataUri(url)) return DataUri.Decode(url, limit);

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw new FetchRefusedException("not a valid URL");
        if (!HttpDownloader.IsHttp(uri))
            throw new FetchRefusedException($"only http, https and data URLs are fetched, not {uri.Scheme}:");

        if (OwnFileKey(uri) is { } key)
        {
            var stored = await _store.OpenReadAsync(key, cancellationToken);
            if (stored is not null)
                await using (stored)
                    return await limit.ReadAllAsync(stored, null, cancellationToken);
        }
        return await _downloader.DownloadAsync(uri, limit, cancellationToken);
    }

    /// <summary>
    /// The storage key a RunHub file URL points at. The host is not compared: the same store is served under
    /// every name RunHub is reached by, and a key that is not stored falls through to an ordinary fetch.
    /// </summary>
    private string? OwnFileKey(Uri uri)
    {
        var path = uri.AbsolutePath;
        foreach (var prefix in _filePrefixes)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var key = path[prefix.Length..];
            if (FileKey.IsValid(key)) return key;
        }
        return null;
    }

    private static string[] FilePrefixes(string? publicBaseUrl)
    {
        var basePath = Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var baseUri) ? baseUri.AbsolutePath.TrimEnd('/') : "";
        return basePath.Length == 0 ? ["/files/"] : ["/files/", basePath + "/files/"];
    }

    public void Dispose() => _downloader.Dispose();
}
