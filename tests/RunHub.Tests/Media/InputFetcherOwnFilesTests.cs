using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RunHub.Media;
using RunHub.Files;
using RunHub.Tests.Media.Support;

using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

/// <summary>RunHub's own /files/ URLs are read from storage, so uploads work on a private RunHub while private fetching stays off.</summary>
public class InputFetcherOwnFilesTests : IDisposable
{
    private readonly Fetchers _fetchers = new();

    [Fact]
    public async Task An_uploaded_file_on_a_loopback_runhub_is_read_from_storage()
    {
        var png = TestImages.Png(21, 13);
        await _fetchers.Store.PutAsync("openapi/4f2a9c.png", png, default);

        // Port 9 (discard) has no listener: the file can only have come from storage.
        var input = await _fetchers.Create().FetchAsync(TestMedia.Reference("http://127.0.0.1:9/files/openapi/4f2a9c.png?x=1"), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
        Assert.Equal((21, 13), (input.Width, input.Height));
    }

    [Fact]
    public async Task A_file_url_under_the_public_base_path_is_read_from_storage()
    {
        var png = TestImages.Png(5, 5);
        await _fetchers.Store.PutAsync("results/abc/0.png", png, default);
        var fetcher = _fetchers.Create(publicBaseUrl: "https://runhub.example.test/gateway/");

        var input = await fetcher.FetchAsync(TestMedia.Reference("http://127.0.0.1:9/gateway/files/results/abc/0.png"), TestMedia.ImageSpec(), default).Within();

        Assert.Equal(png, input.Data);
    }

    [Fact]
    public async Task A_missing_upload_on_a_loopback_runhub_is_said_not_to_exist()
    {
        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference("http://127.0.0.1:9/files/openapi/missing.png"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: the upload openapi/missing.png does not exist on this server or has expired; upload the file again", message);
    }

    [Fact]
    public async Task A_missing_file_under_the_public_base_url_is_said_not_to_exist_without_a_fetch()
    {
        // The host does not resolve: a fetch would have said so.
        var fetcher = _fetchers.Create(publicBaseUrl: "https://runhub.example.test/gateway/");

        var upload = await fetcher.FetchAsync(TestMedia.Reference("https://runhub.example.test/gateway/files/openapi/gone.png"), TestMedia.ImageSpec(), default).RejectedAsync();
        var result = await fetcher.FetchAsync(TestMedia.Reference("https://runhub.example.test/gateway/files/results/abc/0.png"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: the upload openapi/gone.png does not exist on this server or has expired; upload the file again", upload);
        Assert.Equal("imageUrls[0]: the file results/abc/0.png does not exist on this server or has expired", result);
    }

    [Fact]
    public async Task A_file_url_with_an_invalid_key_is_fetched_like_any_other_url()
    {
        await _fetchers.Store.PutAsync("openapi/a.png", TestImages.Png(2, 2), default);

        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference("http://127.0.0.1:9/files/openapi/A.png"), TestMedia.ImageSpec(), default).RejectedAsync();

        Assert.Contains("loopback", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_file_over_the_limit_is_refused()
    {
        await _fetchers.Store.PutAsync("openapi/big.png", new byte[2 * 1024 * 1024], default);

        var message = await _fetchers.Create().FetchAsync(TestMedia.Reference("http://127.0.0.1:9/files/openapi/big.png"), TestMedia.ImageSpec(maxSizeMb: 1), default).RejectedAsync();

        Assert.Equal("imageUrls[0]: file is larger than 1 MB", message);
    }

    [Fact]
    public async Task AddMediaFetching_provides_a_fetcher_over_the_registered_store()
    {
        var png = TestImages.Png(7, 7);
        await _fetchers.Store.PutAsync("openapi/di.png", png, default);
        var services = new ServiceCollection()
            .AddSingleton<IFileStore>(_fetchers.Store)
            .AddSingleton(Options.Create(new RunHubOptions()))
            .AddMediaFetching();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var fetcher = provider.GetRequiredService<InputFetcher>();
        var input = await fetcher.FetchAsync(TestMedia.Reference("https://runhub.example.test/files/openapi/di.png"), TestMedia.ImageSpec(), default).Within();

        Assert.Same(fetcher, provider.GetRequiredService<InputFetcher>());
        Assert.Equal(png, input.Data);
    }

    public void Dispose() => _fetchers.Dispose();
}
