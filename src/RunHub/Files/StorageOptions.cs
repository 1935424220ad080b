namespace RunHub.Files;

/// <summary>The <c>RunHub:Storage</c> section: the local data folder unless S3 is configured.</summary>
public sealed class StorageOptions
{
    public S3StorageOptions S3 { get; set; } = new();
}

/// <summary>
/// <c>RunHub:Storage:S3</c>: an S3-compatible bucket for uploads and results, shared by every node. Any of
/// these settings switches storage from the local folder to S3 (and then the required ones must all be there).
/// </summary>
public sealed class S3StorageOptions
{
    /// <summary>The S3 endpoint, e.g. <c>https://s3.eu-central-1.amazonaws.com</c> or a MinIO/Ceph/R2 URL. When empty, AWS's endpoint for <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    public string? Bucket { get; set; }

    public string? AccessKey { get; set; }

    /// <summary>Never logged nor shown in errors.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Address the bucket as <c>{ServiceUrl}/{bucket}/{key}</c> instead of <c>{bucket}.{host}/{key}</c> (MinIO and most self-hosted servers need this).</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>The signing region; <c>us-east-1</c> when empty and a <see cref="ServiceUrl"/> is given.</summary>
    public string? Region { get; set; }

    /// <summary>Base URL under which the bucket's objects are public (a CDN or a public bucket): <c>{PublicBaseUrl}/{key}</c>.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// How result and upload URLs are given out: <c>proxy</c> (through RunHub's <c>/files/...</c>, streamed from the
    /// bucket), <c>presigned</c> (presigned GET URLs of the bucket, valid <see cref="PresignedUrlMinutes"/>) or
    /// <c>public</c> (under <see cref="PublicBaseUrl"/>).
    /// </summary>
    public string Urls { get; set; } = "proxy";

    /// <summary>Lifetime of presigned URLs, from the moment a response hands one out. At most 7 days (S3's limit).</summary>
    public int PresignedUrlMinutes { get; set; } = 24 * 60;

    /// <summary>Create the bucket at startup when it does not exist (otherwise a missing bucket stops the start).</summary>
    public bool CreateBucket { get; set; }

    public bool IsConfigured =>
        new[] { ServiceUrl, Bucket, AccessKey, SecretKey, PublicBaseUrl }.Any(s => !string.IsNullOrWhiteSpace(s))
        || !string.Equals(Urls?.Trim(), "proxy", StringComparison.OrdinalIgnoreCase);
}
