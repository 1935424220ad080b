using System.Net;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace RunHub.Files;

/// <summary>
/// Files as objects of one S3-compatible bucket, shared by every node. Objects are written with their content
/// type and as immutable, so a public bucket or CDN serves them as RunHub's own <c>/files/</c> would.
/// </summary>
public sealed class S3FileStore : IFileStore, IDisposable
{
    private const string ImmutableCaching = "public, max-age=31536000, immutable";
    private readonly AmazonS3Client _client;
    private readonly Lazy<Uri> _objectUrlBase;

    public S3FileStore(S3Settings settings)
    {
        Settings = settings;
        _client = S3ClientFactory.Create(settings);
        _objectUrlBase = new Lazy<Uri>(FindObjectUrlBase);
    }

    public S3Settings Settings { get; }

    public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var stream = MemoryMarshal.TryGetArray(data, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
        return PutAsync(key, stream, cancellationToken);
    }

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        CheckKey(key);
        var request = new PutObjectRequest
        {
            BucketName = Settings.Bucket,
            Key = key,
            InputStream = content,
            AutoCloseStream = false,
            AutoResetStreamPosition = true,
            ContentType = FileContentTypes.Of(key),
            // aws-chunked bodies are not understood by every S3-compatible server; the stream is seekable, so its
            // length is known and it can be sent as a plain body.
            UseChunkEncoding = false,
        };
        request.Headers.CacheControl = ImmutableCaching;
        await _client.PutObjectAsync(request, cancellationToken);
    }

    public async Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return null;
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Settings.Bucket, Key = key }, cancellationToken);
            return new StoredFile(new S3ObjectStream(_client, Settings.Bucket, key, response), response.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return null;
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Settings.Bucket, Key = key }, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        // S3 answers a delete of a missing object with success too.
        if (FileKey.IsValid(key))
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Settings.Bucket, Key = key }, cancellationToken);
    }

    /// <summary>A GET URL of the object that works without credentials until <paramref name="lifetime"/> has passed.</summary>
    public string PresignedUrl(string key, TimeSpan lifetime)
    {
        CheckKey(key);
        return _client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = Settings.Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            // The SDK turns this into whole seconds from its own clock, corrected by the server's Date headers,
            // so X-Amz-Expires can differ from the lifetime by a second.
            Expires = DateTime.UtcNow + lifetime,
            Protocol = Settings.ServiceUrl?.Scheme == "http" ? Protocol.HTTP : Protocol.HTTPS,
        });
    }

    /// <summary>
    /// The URL the bucket's objects sit under (<c>http://host/bucket/</c> path style, <c>https://bucket.host/</c>
    /// virtual-hosted), taken from a URL the SDK builds so that it matches the presigned URLs exactly.
    /// </summary>
    public Uri ObjectUrlBase => _objectUrlBase.Value;

    /// <summary>Checks at startup that the bucket can be used, creating it when the settings allow.</summary>
    /// <exception cref="StorageConfigurationException">The bucket is missing, forbidden or unreachable; the message says which.</exception>
    public Task CheckBucketAsync(CancellationToken cancellationToken) => S3BucketCheck.RunAsync(_client, Settings, cancellationToken);

    public void Dispose() => _client.Dispose();

    private Uri FindObjectUrlBase()
    {
        const string probe = "probe.bin";
        var url = new Uri(PresignedUrl(probe, TimeSpan.FromMinutes(1)));
        var path = url.AbsolutePath;
        if (!path.EndsWith("/" + probe, StringComparison.Ordinal))
            throw new InvalidOperationException("the S3 SDK built an object URL of an unexpected shape");
        return new Uri(url.GetLeftPart(UriPartial.Authority) + path[..^probe.Length]);
    }

    private static void CheckKey(string key)
    {
        if (!FileKey.IsValid(key)) throw new ArgumentException($"invalid file key '{key}'", nameof(key));
    }
}
