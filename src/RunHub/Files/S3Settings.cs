namespace RunHub.Files;

/// <summary>Checked S3 settings: every problem with <c>RunHub:Storage:S3</c> is reported at once, before anything connects.</summary>
public sealed record S3Settings(
    Uri? ServiceUrl,
    string Bucket,
    string AccessKey,
    string SecretKey,
    bool ForcePathStyle,
    string Region,
    string? PublicBaseUrl,
    FileUrlMode Urls,
    TimeSpan PresignedUrlLifetime,
    bool CreateBucket)
{
    private const string Prefix = "RunHub:Storage:S3:";
    private const int MaxPresignedMinutes = 7 * 24 * 60;

    /// <summary>Where the bucket is, for messages (never with credentials).</summary>
    public string Endpoint => ServiceUrl?.GetLeftPart(UriPartial.Path).TrimEnd('/') ?? $"AWS S3 ({Region})";

    /// <exception cref="StorageConfigurationException">A setting is missing or malformed.</exception>
    public static S3Settings From(S3StorageOptions options)
    {
        var problems = new List<string>();
        Uri? serviceUrl = null;
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            if (Uri.TryCreate(options.ServiceUrl.Trim(), UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" && parsed.UserInfo.Length == 0)
                serviceUrl = parsed;
            else
                problems.Add($"{Prefix}ServiceUrl must be an http or https URL without credentials in it");
        }
        else if (string.IsNullOrWhiteSpace(options.Region))
        {
            problems.Add($"{Prefix}ServiceUrl is required (or Region, for AWS S3 itself)");
        }
        var bucket = options.Bucket?.Trim() ?? "";
        if (bucket.Length == 0) problems.Add($"{Prefix}Bucket is required");
        if (string.IsNullOrWhiteSpace(options.AccessKey)) problems.Add($"{Prefix}AccessKey is required");
        if (string.IsNullOrEmpty(options.SecretKey)) problems.Add($"{Prefix}SecretKey is required");

        FileUrlMode urls = FileUrlMode.Proxy;
        if (!Enum.TryParse(options.Urls?.Trim(), ignoreCase: true, out urls) || !Enum.IsDefined(urls) || int.TryParse(options.Urls, out _))
            problems.Add($"{Prefix}Urls must be proxy, presigned or public, not '{options.Urls}'");

        string? publicBase = null;
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            if (Uri.TryCreate(options.PublicBaseUrl.Trim(), UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                && parsed.Query.Length == 0 && parsed.Fragment.Length == 0)
                publicBase = parsed.GetLeftPart(UriPartial.Path).TrimEnd('/');
            else
                problems.Add($"{Prefix}PublicBaseUrl must be an http or https URL without a query");
        }
        else if (urls == FileUrlMode.Public)
        {
            problems.Add($"{Prefix}Urls=public needs {Prefix}PublicBaseUrl (where the bucket's objects are public)");
        }
        if (options.PresignedUrlMinutes is < 1 or > MaxPresignedMinutes)
            problems.Add($"{Prefix}PresignedUrlMinutes must be between 1 and {MaxPresignedMinutes} (7 days, S3's limit), not {options.PresignedUrlMinutes}");

        if (problems.Count > 0) throw new StorageConfigurationException("S3 storage is misconfigured: " + string.Join("; ", problems));
        return new S3Settings(serviceUrl, bucket, options.AccessKey!.Trim(), options.SecretKey!, options.ForcePathStyle,
            string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region.Trim(), publicBase, urls,
            TimeSpan.FromMinutes(options.PresignedUrlMinutes), options.CreateBucket);
    }

    // A record prints its members; keep the secret out of any log line or exception that formats this.
    public override string ToString() => $"S3 bucket '{Bucket}' at {Endpoint}";
}
