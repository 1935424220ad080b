using Microsoft.Extensions.Options;
using RunHub.Catalog;
using RunHub.Files;

namespace RunHub.Media;

/// <summary>
/// Turns a media URL from a request into checked bytes: http(s) URLs (guarded against reaching internal
/// networks), <c>data:</c> URLs, and RunHub's own file URLs (<c>/files/{key}</c>, and with S3 storage the
/// bucket's presigned or public URLs), which are read from storage so that uploads work even where RunHub or
/// the bucket is on a private address. Every failure is an
/// <see cref="InputRejectedException"/> naming the field and index.
/// </summary>
public sealed class InputFetcher : IDisposable
{
    private readonly MediaOptions _options;
    private readonly IFileStore _store;
    private readonly HttpDownloader _downloader;
    private readonly FileLinks _links;
    private readonly TimeProvider _time;
    private readonly StoredInputs? _inputs;

    /// <param name="time">The clock of the fetch deadlines and the minimum transfer rate; the system's when not given.</param>
    /// <param name="inputs">Where inline inputs kept in the database are read (before the file store); null: the file store only.</param>
    public InputFetcher(IOptions<RunHubOptions> options, IFileStore store, TimeProvider? time = null, StoredInputs? inputs = null)
        : this(options.Value, store, GuardedConnector.ResolveWithDns, time: time, inputs: inputs)
    {
    }

    internal InputFetcher(RunHubOptions options, IFileStore store, HostResolver resolve, FileLinks? links = null, TimeProvider? time = null,
        StoredInputs? inputs = null)
    {
        _options = options.Media;
        _store = store;
        _inputs = inputs;
        _time = time ?? TimeProvider.System;
        _downloader = new HttpDownloader(new NetworkPolicy(options.Media), resolve, options.Media, _time);
        _links = links ?? new FileLinks(options, store);
    }

    /// <summary>
    /// Fetches every input of one task, one after another, within <see cref="MediaOptions.TaskFetchSeconds"/> in all
    /// (each also within <see cref="MediaOptions.FetchTimeoutSeconds"/>). The first failure ends the fetch.
    /// </summary>
    /// <exception cref="InputRejectedException">An input could not be fetched or is not acceptable, or time ran out; its
    /// <see cref="InputRejectedException.Cost"/> says how long the whole fetch held the worker and how many bytes it received.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <param name="meter">Counts the bytes received (a new one when not given; the cost reads it either way).</param>
    public async Task<IReadOnlyList<MediaInput>> FetchAllAsync(IReadOnlyList<(MediaReference Reference, ParameterSpec Spec)> references,
        CancellationToken cancellationToken, TransferMeter? meter = null)
    {
        var started = _time.GetTimestamp();
        meter ??= new TransferMeter();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TaskFetchSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var inputs = new List<MediaInput>(references.Count);
        try
        {
            foreach (var (reference, spec) in references)
                inputs.Add(await FetchAsync(reference, spec, linked.Token, meter));
            return inputs;
        }
        catch (InputRejectedException e)
        {
            throw new InputRejectedException(e.Message, e.InnerException) { Cost = Cost(started, meter) };
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var seconds = _options.TaskFetchSeconds.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
            throw new InputRejectedException($"the task's inputs were not all fetched within {seconds} s ({inputs.Count} of {references.Count} done)", e)
            {
                Cost = Cost(started, meter),
            };
        }
    }

    private FetchCost Cost(long started, TransferMeter meter) =>
        new((long)_time.GetElapsedTime(started).TotalMilliseconds, meter.Bytes);

    /// <exception cref="InputRejectedException">The input could not be fetched or is not acceptable for <paramref name="spec"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <param name="meter">Counts the bytes received, for what a failed fetch cost.</param>
    public Task<MediaInput> FetchAsync(MediaReference reference, ParameterSpec spec, CancellationToken cancellationToken, TransferMeter? meter = null) =>
        FetchAsync(reference, spec, $"{reference.FieldKey}[{reference.Index}]", (limit, token) => ReadAsync(reference.Url, limit, token, meter), cancellationToken);

    /// <summary>
    /// A file stored in RunHub under <paramref name="key"/> (e.g. an upload's <c>api/…png</c>, as the workflow API's
    /// uploads name them), checked like a fetched one; <see cref="MediaInput.SourceUrl"/> is the key.
    /// </summary>
    /// <exception cref="InputRejectedException">There is no such file, or it is not acceptable for <paramref name="spec"/>.</exception>
    public Task<MediaInput> FetchStoredAsync(string fieldKey, string key, ParameterSpec spec, CancellationToken cancellationToken) =>
        FetchAsync(new MediaReference(fieldKey, 0, key), spec, fieldKey, async (limit, token) =>
        {
            var stored = await OpenStoredAsync(key, token) ?? throw new FetchRefusedException($"no file {key} is stored on this server");
            await using (stored)
                return await limit.ReadAllAsync(stored.Content, stored.Length, token);
        }, cancellationToken);

    private async Task<MediaInput> FetchAsync(MediaReference reference, ParameterSpec spec, string subject,
        Func<SizeLimit, CancellationToken, Task<byte[]>> read, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, _options.FetchTimeoutSeconds);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds), _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var data = await read(SizeLimit.For(spec.MaxSizeMb), deadline.Token);
            var (format, width, height) = InputAcceptance.Check(data, spec, _options.MaxImagePixels);
            return new MediaInput(reference.FieldKey, reference.Index, reference.Url, data, format.Name, format.ContentType, width, height);
        }
        catch (FetchRefusedException e)
        {
            throw new InputRejectedException($"{subject}: {e.Message}", e.InnerException);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new InputRejectedException($"{subject}: timed out after {seconds} s", e);
        }
    }

    private async Task<byte[]> ReadAsync(string url, SizeLimit limit, CancellationToken cancellationToken, TransferMeter? meter)
    {
        if (DataUri.IsDataUri(url)) return DataUri.Decode(url, limit);

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw new FetchRefusedException("not a valid URL");
        if (!HttpDownloader.IsHttp(uri))
            throw new FetchRefusedException($"only http, https and data URLs are fetched, not {uri.Scheme}:");

        if (_links.KeyOf(uri) is { } key)
        {
            var stored = await OpenStoredAsync(key, cancellationToken);
            if (stored is not null)
                await using (stored)
                    return await limit.ReadAllAsync(stored.Content, stored.Length, cancellationToken);
            // Not stored. On RunHub's own base URL or bucket, the file is gone; elsewhere the URL may be another
            // server's, so it is fetched like any other, except where the network policy forbids it (a RunHub on a
            // loopback or private address, like this one): then it too is one of ours that is gone.
            if (_links.IsOwn(uri)) throw Missing(key);
            try
            {
                return await _downloader.DownloadAsync(uri, limit, cancellationToken, meter);
            }
            catch (FetchRefusedException e) when (e.AddressRefused)
            {
                throw Missing(key);
            }
        }
        return await _downloader.DownloadAsync(uri, limit, cancellationToken, meter);
    }

    /// <summary>A stored file: an inline input kept in the database, else the file store's.</summary>
    private Task<StoredFile?> OpenStoredAsync(string key, CancellationToken cancellationToken) =>
        _inputs is not null ? _inputs.OpenReadAsync(key, cancellationToken) : _store.OpenReadAsync(key, cancellationToken);

    /// <summary>Why a URL of RunHub's own names no stored file: an upload (or result) that never existed or has expired.</summary>
    private static FetchRefusedException Missing(string key) => new(key.StartsWith("results/", StringComparison.Ordinal)
        ? $"the file {key} does not exist on this server or has expired"
        : $"the upload {key} does not exist on this server or has expired; upload the file again");

    public void Dispose() => _downloader.Dispose();
}
