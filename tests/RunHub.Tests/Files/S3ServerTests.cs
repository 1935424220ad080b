using System.Net;
using System.Text.Json.Nodes;
using RunHub.Tests.Support;

namespace RunHub.Tests.Files;

/// <summary>The real server storing uploads and results in an S3 bucket, and a client fetching them by the URLs it is given.</summary>
public sealed class S3ServerTests
{
    private static Task<TestServer> StartAsync(string urls) => TestServer.StartAsync(TestS3.ServerSettings(urls, more: new Dictionary<string, string?>
    {
        // Public URLs: s3rver serves objects to anonymous GETs, like a public bucket.
        ["Storage:S3:PublicBaseUrl"] = $"{TestS3.Url}/{TestS3.Bucket}",
        ["Storage:S3:PresignedUrlMinutes"] = "45",
    }));

    [S3Theory]
    [InlineData("proxy")]
    [InlineData("presigned")]
    [InlineData("public")]
    public async Task An_upload_used_as_input_and_the_result_live_in_the_bucket_and_download_by_their_urls(string urls)
    {
        await using var server = await StartAsync(urls);
        var caller = await server.NewCallerAsync();
        var input = TestImages.Png(300, 200);

        var upload = (await caller.UploadAsync(input, "input.png", "image/png"))["data"]!;
        var fileName = (string)upload["fileName"]!;
        var uploadUrl = (string)upload["download_url"]!;
        Assert.Equal(input, (await TestS3.ReadObjectAsync(fileName)).Data);
        AssertUrlMode(urls, server, uploadUrl, fileName);

        // Private networks stay closed to inputs, so the upload (on 127.0.0.1) can only be read from the bucket.
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/edit",
            new { prompt = "A sudden, massive explosion behind three friends", imageUrls = new[] { uploadUrl }, aspectRatio = "3:2" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.True("SUCCESS" == (string?)done["status"], done.ToJsonString());
        var resultUrl = (string)done["results"]!.AsArray().Single()!["url"]!;

        using var http = new HttpClient();
        using var download = await http.GetAsync(resultUrl);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        var png = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal((1536, 1024), TestImages.SizeOf(png));
        var key = KeyOf(resultUrl, urls);
        Assert.Matches("^results/[0-9a-f]{32}/0\\.png$", key);
        Assert.Equal(png, (await TestS3.ReadObjectAsync(key)).Data);
        AssertUrlMode(urls, server, resultUrl, key);
    }

    [S3Fact]
    public async Task Files_are_served_through_runhub_from_the_bucket_with_content_type_length_and_head()
    {
        await using var server = await StartAsync("proxy");
        var caller = await server.NewCallerAsync();
        var jpeg = TestImages.Jpeg(64, 48);
        var url = (string)(await caller.UploadAsync(jpeg, "photo.jpg"))["data"]!["download_url"]!;

        using var get = await server.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("image/jpeg", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(jpeg.Length, get.Content.Headers.ContentLength);
        Assert.Equal("public, max-age=31536000, immutable", get.Headers.CacheControl?.ToString());
        Assert.Equal(jpeg, await get.Content.ReadAsByteArrayAsync());

        using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("image/jpeg", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(jpeg.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());

        // A range, as a video player asks for one: served from a ranged read of the object.
        using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
        using var part = await server.Http.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal($"bytes 100-199/{jpeg.Length}", part.Content.Headers.ContentRange?.ToString());
        Assert.Equal(jpeg[100..200], await part.Content.ReadAsByteArrayAsync());

        using var missing = await server.Http.GetAsync("/files/openapi/" + new string('0', 64) + ".png");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var missingHead = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/files/results/none/0.png"));
        Assert.Equal(HttpStatusCode.NotFound, missingHead.StatusCode);
    }

    [S3Fact]
    public async Task A_presigned_result_url_in_a_query_answer_is_fresh_and_lasts_as_configured()
    {
        await using var server = await StartAsync("presigned");
        var caller = await server.NewCallerAsync();
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/edit",
            new { prompt = "A lighthouse at dawn, seen from the sea", imageUrls = new[] { TestImages.DataUri(TestImages.Png(8, 8)) }, aspectRatio = "1:1" });
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        var url = (string)done["results"]!.AsArray().Single()!["url"]!;

        TestS3.AssertLifetime(url, 2700);
        using var http = new HttpClient();
        Assert.Equal((1024, 1024), TestImages.SizeOf(await http.GetByteArrayAsync(url)));
    }

    private static void AssertUrlMode(string urls, TestServer server, string url, string key)
    {
        switch (urls)
        {
            case "proxy":
                Assert.Equal($"{server.BaseUrl}/files/{key}", url);
                break;
            case "presigned":
                Assert.StartsWith($"{TestS3.Url}/{TestS3.Bucket}/{key}?", url);
                Assert.Contains("X-Amz-Signature=", url);
                break;
            default:
                Assert.Equal($"{TestS3.Url}/{TestS3.Bucket}/{key}", url);
                break;
        }
    }

    private static string KeyOf(string url, string urls)
    {
        var path = new Uri(url).AbsolutePath;
        var prefix = urls == "proxy" ? "/files/" : $"/{TestS3.Bucket}/";
        Assert.StartsWith(prefix, path);
        return path[prefix.Length..];
    }
}
