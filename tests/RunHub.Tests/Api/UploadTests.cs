using System.Net.Http.Headers;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

public sealed class UploadTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Media:MaxUploadMb"] = "1" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Upload_answers_runninghubs_envelope_and_the_download_url_serves_the_file()
    {
        var caller = await _server.NewCallerAsync();
        var png = TestImages.Png(40, 30);
        var answer = await caller.UploadAsync(png, "photo.png", "image/png");
        Assert.Equal(0, (int)answer["code"]!);
        Assert.Equal("success", (string)answer["message"]!);
        var data = answer["data"]!;
        Assert.Equal("image", (string)data["type"]!);
        Assert.Matches("^openapi/[0-9a-f]{32}\\.png$", (string)data["fileName"]!);
        Assert.Equal(png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)data["size"]!);

        using var download = await new HttpClient().GetAsync((string)data["download_url"]!);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await download.Content.ReadAsByteArrayAsync());

        using var head = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, (string)data["download_url"]!));
        Assert.Equal(System.Net.HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(png.Length, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Upload_type_and_extension_follow_the_content_not_the_name()
    {
        var caller = await _server.NewCallerAsync();
        var answer = await caller.UploadAsync(TestImages.Jpeg(20, 20), "misnamed.png");
        Assert.EndsWith(".jpg", (string)answer["data"]!["fileName"]!);
        using var download = await _server.Http.GetAsync((string)answer["data"]!["download_url"]!);
        Assert.Equal("image/jpeg", download.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Upload_over_the_limit_is_1008()
    {
        var caller = await _server.NewCallerAsync();
        var answer = await caller.UploadAsync(new byte[1024 * 1024 + 10], "big.bin");
        Assert.Equal(1008, (int)answer["code"]!);
        Assert.Contains("1 MB", (string)answer["message"]!);
    }

    [Fact]
    public async Task Upload_without_a_file_field_or_key_is_refused()
    {
        var caller = await _server.NewCallerAsync();
        using var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "wrongfield", "a.bin" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openapi/v2/media/upload/binary") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.ApiKey);
        var answer = await caller.SendAsync(request);
        Assert.Equal(1007, (int)answer["code"]!);
        Assert.Contains("file", (string)answer["message"]!);

        using var anonymous = new HttpRequestMessage(HttpMethod.Post, "/openapi/v2/media/upload/binary")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent([1]), "file", "a.bin" } },
        };
        Assert.Equal(1002, (int)(await caller.SendAsync(anonymous))["code"]!);
    }
}
