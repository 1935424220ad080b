using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using RunHub.Files;

namespace RunHub.Tests.Support;

/// <summary>
/// The S3-compatible server of the test run (tests/services/s3.sh: s3rver on a loopback port, with the bucket
/// RUNHUB_TEST_S3_BUCKET), as server settings and as a plain S3 client to look into the bucket with.
/// </summary>
public static class TestS3
{
    public const string MissingMessage =
        "RUNHUB_TEST_S3_URL is not set; run the suite with tests/run, or source tests/services/s3.sh first";

    public static bool IsAvailable => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RUNHUB_TEST_S3_URL"));

    public static bool IsRequired => Environment.GetEnvironmentVariable("RUNHUB_TEST_REQUIRE_SERVICES") == "1";

    public static string Url => Environment.GetEnvironmentVariable("RUNHUB_TEST_S3_URL") is { Length: > 0 } url
        ? url.TrimEnd('/')
        : throw new InvalidOperationException(MissingMessage);

    public static string Bucket => Variable("RUNHUB_TEST_S3_BUCKET", "runhub-test");
    public static string AccessKey => Variable("RUNHUB_TEST_S3_ACCESS_KEY", "S3RVER");
    public static string SecretKey => Variable("RUNHUB_TEST_S3_SECRET_KEY", "S3RVER");

    /// <summary>A bucket name no test has used.</summary>
    public static string NewBucketName() => "runhub-" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Settings under <c>RunHub:</c> (the form <see cref="TestServer.StartAsync"/> takes) for the test bucket.</summary>
    public static Dictionary<string, string?> ServerSettings(string urls = "proxy", string? bucket = null, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:S3:ServiceUrl"] = Url,
            ["Storage:S3:Bucket"] = bucket ?? Bucket,
            ["Storage:S3:AccessKey"] = AccessKey,
            ["Storage:S3:SecretKey"] = SecretKey,
            ["Storage:S3:ForcePathStyle"] = "true",
            ["Storage:S3:Urls"] = urls,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }

    /// <summary>The same settings as environment variables, for <c>runhub serve</c> child processes (<see cref="ServerProcess"/>).</summary>
    public static Dictionary<string, string> EnvironmentVariables(string urls = "proxy", string? bucket = null) =>
        ServerSettings(urls, bucket).ToDictionary(s => "RunHub__" + s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value ?? "");

    public static S3StorageOptions Options(string urls = "proxy", string? bucket = null) => new()
    {
        ServiceUrl = Url,
        Bucket = bucket ?? Bucket,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        ForcePathStyle = true,
        Urls = urls,
    };

    /// <summary>A store on the test bucket.</summary>
    public static S3FileStore Store(string urls = "proxy", string? publicBaseUrl = null)
    {
        var options = Options(urls);
        options.PublicBaseUrl = publicBaseUrl;
        return new S3FileStore(S3Settings.From(options));
    }

    /// <summary>A plain client, to see what RunHub put in the bucket.</summary>
    public static AmazonS3Client Client() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Url,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    /// <summary>The object's bytes and content type as the bucket holds them.</summary>
    public static async Task<(byte[] Data, string ContentType)> ReadObjectAsync(string key, string? bucket = null)
    {
        using var client = Client();
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket ?? Bucket, Key = key });
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return (buffer.ToArray(), response.Headers.ContentType);
    }

    /// <summary>
    /// Asserts a presigned URL lasts <paramref name="seconds"/>: the SDK counts from its clock corrected by the
    /// server's Date headers (whole seconds), so X-Amz-Expires may be one off.
    /// </summary>
    public static void AssertLifetime(string presignedUrl, int seconds)
    {
        var match = System.Text.RegularExpressions.Regex.Match(presignedUrl, "[?&]X-Amz-Expires=([0-9]+)");
        Assert.True(match.Success, $"no X-Amz-Expires in {presignedUrl}");
        Assert.InRange(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), seconds - 1, seconds + 1);
    }

    private static string Variable(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
