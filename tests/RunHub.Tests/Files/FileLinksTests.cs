using RunHub.Files;
using RunHub.Tests.Support;

namespace RunHub.Tests.Files;

/// <summary>
/// The URLs given out for stored files, and recognising them again. Presigning is computed locally, so these
/// need no S3 server (the endpoint below has none).
/// </summary>
public sealed class FileLinksTests : IDisposable
{
    private readonly List<IDisposable> _stores = [];

    private FileLinks Links(string urls, bool pathStyle = true, string? serviceUrl = "http://127.0.0.1:9", string? publicBaseUrl = null, string? runHubPublicBaseUrl = null)
    {
        var store = new S3FileStore(S3Settings.From(new S3StorageOptions
        {
            ServiceUrl = serviceUrl,
            Region = serviceUrl is null ? "eu-central-1" : null,
            Bucket = "media",
            AccessKey = "AKIDEXAMPLE",
            SecretKey = "secret-example",
            ForcePathStyle = pathStyle,
            Urls = urls,
            PublicBaseUrl = publicBaseUrl,
            PresignedUrlMinutes = 30,
        }));
        _stores.Add(store);
        return new FileLinks(new RunHubOptions { PublicBaseUrl = runHubPublicBaseUrl }, store);
    }

    [Fact]
    public void Proxy_urls_are_runhubs_own_files_urls()
    {
        var links = Links("proxy");

        Assert.Equal("https://hub.example.test/files/results/ab/0.png", links.UrlOf("results/ab/0.png", "https://hub.example.test"));
        Assert.Equal("results/ab/0.png", links.KeyOf(new Uri("https://elsewhere.example.test/files/results/ab/0.png")));
    }

    [Fact]
    public void Presigned_urls_point_into_the_bucket_expire_as_configured_and_are_recognised()
    {
        var links = Links("presigned");

        var url = links.UrlOf("openapi/ab.png", "https://hub.example.test");

        Assert.StartsWith("http://127.0.0.1:9/media/openapi/ab.png?", url);
        TestS3.AssertLifetime(url, 1800);
        Assert.Contains("X-Amz-Signature=", url);
        Assert.DoesNotContain("secret-example", url);
        Assert.Equal("openapi/ab.png", links.KeyOf(new Uri(url)));
    }

    [Fact]
    public void Virtual_hosted_presigned_urls_on_aws_are_recognised_by_their_bucket_host()
    {
        var links = Links("presigned", pathStyle: false, serviceUrl: null);

        var url = new Uri(links.UrlOf("results/cd/1.png", "https://hub.example.test"));

        Assert.Equal("https", url.Scheme);
        Assert.StartsWith("media.", url.Host);
        Assert.Equal("results/cd/1.png", links.KeyOf(url));
        Assert.Null(links.KeyOf(new Uri("https://other-bucket.s3.eu-central-1.amazonaws.com/results/cd/1.png")));
    }

    [Fact]
    public void Public_urls_sit_under_the_public_base_url_and_are_recognised()
    {
        var links = Links("public", publicBaseUrl: "https://cdn.example.test/runhub/");

        Assert.Equal("https://cdn.example.test/runhub/results/ab/0.png", links.UrlOf("results/ab/0.png", "https://hub.example.test"));
        Assert.Equal("results/ab/0.png", links.KeyOf(new Uri("https://CDN.example.test/runhub/results/ab/0.png")));
    }

    [Theory]
    [InlineData("http://127.0.0.1:10/media/openapi/ab.png")]        // another port
    [InlineData("http://127.0.0.1:9/other/openapi/ab.png")]         // another bucket
    [InlineData("https://127.0.0.1:9/media/openapi/ab.png")]        // another scheme
    [InlineData("http://127.0.0.1:9/media/openapi/AB.png")]         // not a key RunHub makes
    [InlineData("https://cdn.example.test/elsewhere/openapi/ab.png")] // outside the public base
    public void Urls_that_only_look_like_the_buckets_are_not_recognised(string url)
    {
        var links = Links("public", publicBaseUrl: "https://cdn.example.test/runhub");

        Assert.Null(links.KeyOf(new Uri(url)));
    }

    [Fact]
    public void Urls_given_out_in_another_mode_are_still_recognised()
    {
        var presigned = Links("presigned", publicBaseUrl: "https://cdn.example.test/runhub").UrlOf("openapi/ab.png", "https://hub.example.test");
        var links = Links("proxy", publicBaseUrl: "https://cdn.example.test/runhub", runHubPublicBaseUrl: "https://hub.example.test/gateway");

        Assert.Equal("openapi/ab.png", links.KeyOf(new Uri(presigned)));
        Assert.Equal("openapi/ab.png", links.KeyOf(new Uri("https://cdn.example.test/runhub/openapi/ab.png")));
        Assert.Equal("openapi/ab.png", links.KeyOf(new Uri("https://hub.example.test/gateway/files/openapi/ab.png")));
    }

    public void Dispose()
    {
        foreach (var store in _stores) store.Dispose();
    }
}
