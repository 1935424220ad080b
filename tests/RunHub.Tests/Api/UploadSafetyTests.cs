using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Files;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// Issue 11 items 6 and 7. Before: an upload whose content was no known media type kept the client's extension and was
/// served inline as HTML, SVG, XHTML or JavaScript from the API's origin (stored XSS), and upload names were the
/// SHA-256 of the content, so anyone could test without a key whether a file had ever been uploaded by anyone.
/// </summary>
public sealed class UploadSafetyTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("page.html", "text/html", "<!doctype html><html><body><script>alert(document.domain)</script></body></html>")]
    [InlineData("picture.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("page.xhtml", "application/xhtml+xml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>")]
    [InlineData("code.js", "text/javascript", "fetch('/uc/openapi/accountStatus')")]
    [InlineData("photo.png", "image/png", "<html><script>alert(1)</script></html>")]
    [InlineData("notes.txt", "text/plain", "just some text")]
    public async Task An_upload_that_is_not_an_image_audio_video_or_zip_is_refused_whatever_its_name_or_type(string fileName, string contentType, string content)
    {
        var caller = await _server.NewCallerAsync();
        var answer = await caller.UploadAsync(Encoding.UTF8.GetBytes(content), fileName, contentType);
        Assert.Equal(1007, (int)answer["code"]!);
        Assert.Contains("not an image, audio, video or zip file", (string)answer["message"]!);
        Assert.Null(answer["data"]);
    }

    [Fact]
    public async Task A_zip_archive_is_taken_stored_as_zip_and_served_as_a_download()
    {
        var caller = await _server.NewCallerAsync();
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        await using (var entry = archive.CreateEntry("index.html").Open())
            entry.Write("<script>alert(1)</script>"u8);
        var answer = await caller.UploadAsync(zip.ToArray(), "dataset.html", "text/html");
        Assert.Equal(0, (int)answer["code"]!);
        Assert.EndsWith(".zip", (string)answer["data"]!["fileName"]!);

        using var download = await _server.Http.GetAsync((string)answer["data"]!["download_url"]!);
        Assert.Contains("zip", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
    }

    [Theory]
    [InlineData("openapi/legacy.html", "text/html")]
    [InlineData("openapi/legacy.svg", "image/svg+xml")]
    [InlineData("openapi/legacy.xhtml", "application/xhtml+xml")]
    [InlineData("openapi/legacy.js", "text/javascript")]
    [InlineData("results/output.json", "application/json")]
    [InlineData("results/output.bin", "application/octet-stream")]
    public async Task A_stored_file_a_browser_could_run_is_served_as_an_attachment_under_a_sandboxing_policy(string key, string contentType)
    {
        // As an upload from before uploads were checked, or an engine's output, would be stored.
        await _server.Services.GetRequiredService<IFileStore>().PutAsync(key, "<script>alert(1)</script>"u8.ToArray(), CancellationToken.None);

        using var response = await _server.Http.GetAsync("/files/" + key);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        AssertNothingRuns(response);

        using var head = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/files/" + key));
        Assert.Equal("attachment", head.Content.Headers.ContentDisposition?.DispositionType);
        AssertNothingRuns(head);
    }

    [Fact]
    public async Task An_uploaded_image_is_shown_inline_still_under_nosniff_and_the_sandboxing_policy()
    {
        var caller = await _server.NewCallerAsync();
        var answer = await caller.UploadAsync(TestImages.Png(8, 8), "a.png", "image/png");
        using var response = await _server.Http.GetAsync((string)answer["data"]!["download_url"]!);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
        AssertNothingRuns(response);
    }

    [Fact]
    public async Task Upload_names_are_new_for_every_upload_so_a_files_url_reveals_nothing_about_other_accounts_uploads()
    {
        var png = TestImages.Png(12, 12);
        var first = await _server.NewCallerAsync(name: "first");
        var second = await _server.NewCallerAsync(name: "second");
        var names = new[]
        {
            (string)(await first.UploadAsync(png, "a.png", "image/png"))["data"]!["fileName"]!,
            (string)(await first.UploadAsync(png, "a.png", "image/png"))["data"]!["fileName"]!,
            (string)(await second.UploadAsync(png, "a.png", "image/png"))["data"]!["fileName"]!,
        };
        Assert.Equal(3, names.Distinct().Count());

        // The URL a content-derived name would have: without a key, nothing says whether anyone uploaded this file.
        var guessed = $"/files/openapi/{Convert.ToHexStringLower(SHA256.HashData(png))}.png";
        using var get = await _server.Http.GetAsync(guessed);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, get.StatusCode);
        using var head = await _server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, guessed));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, head.StatusCode);
    }

    private static void AssertNothingRuns(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("sandbox", policy);
        Assert.DoesNotContain("script-src", policy);
    }
}
