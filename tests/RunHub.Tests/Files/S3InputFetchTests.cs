using System.Net;
using RunHub.Media;
using RunHub.Files;
using RunHub.Tests.Media.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Files;

/// <summary>Workers read RunHub's own bucket URLs (presigned or public) from the bucket, never over HTTP.</summary>
public sealed class S3InputFetchTests : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private (S3FileStore Store, InputFetcher Fetcher) Create(string urls = "presigned")
    {
        var store = TestS3.Store(urls, publicBaseUrl: "https://cdn.example.test/media");
        var options = new RunHubOptions();
        // No resolver answers: a fetch that went to the network would fail, so success means it came from the bucket.
        var fetcher = new InputFetcher(options, store, (_, _) => Task.FromResult(Array.Empty<IPAddress>()), new FileLinks(options, store));
        _owned.Add(fetcher);
        _owned.Add(store);
        return (store, fetcher);
    }

    [S3Fact]
    public async Task A_presigned_url_of_an_upload_is_read_from_the_bucket()
    {
        var (store, fetcher) = Create();
        var key = $"openapi/{Guid.NewGuid():N}.png";
        var png = TestImages.Png(12, 10);
        await store.PutAsync(key, png, default);

        var input = await fetcher.FetchAsync(TestMedia.Reference(store.PresignedUrl(key, TimeSpan.FromMinutes(5))), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
        Assert.Equal((12, 10), (input.Width, input.Height));
    }

    [S3Fact]
    public async Task A_public_url_of_a_result_is_read_from_the_bucket()
    {
        var (store, fetcher) = Create("public");
        var key = $"results/{Guid.NewGuid():N}/0.png";
        var png = TestImages.Png(6, 6);
        await store.PutAsync(key, png, default);

        var input = await fetcher.FetchAsync(TestMedia.Reference("https://cdn.example.test/media/" + key), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
    }

    [S3Fact]
    public async Task A_bucket_url_whose_key_is_not_stored_is_said_not_to_exist()
    {
        var (store, fetcher) = Create();
        var key = $"openapi/{Guid.NewGuid():N}.png";
        var url = store.PresignedUrl(key, TimeSpan.FromMinutes(5));

        var message = await fetcher.FetchAsync(TestMedia.Reference(url), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal($"imageUrls[0]: the upload {key} does not exist on this server or has expired; upload the file again", message);
    }

    public void Dispose()
    {
        foreach (var owned in _owned) owned.Dispose();
    }
}
