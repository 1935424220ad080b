using System.Security.Cryptography;
using RunHub.Files;
using RunHub.Tests.Support;

namespace RunHub.Tests.Files;

/// <summary>The S3 store against a real S3-compatible server (s3rver).</summary>
public sealed class S3FileStoreTests : IDisposable
{
    private readonly Lazy<S3FileStore> _store = new(() => TestS3.Store());

    private S3FileStore Store => _store.Value;

    private static string NewKey(string extension) => $"results/{Guid.NewGuid():N}/0.{extension}";

    [S3Fact]
    public async Task A_stored_file_reads_back_with_its_bytes_and_length()
    {
        var key = NewKey("png");
        var png = TestImages.Png(17, 9);
        await Store.PutAsync(key, png, default);

        await using var stored = await Store.OpenReadAsync(key, default);
        Assert.NotNull(stored);
        Assert.Equal(png.Length, stored.Length);
        using var buffer = new MemoryStream();
        await stored.Content.CopyToAsync(buffer);
        Assert.Equal(png, buffer.ToArray());
        Assert.Equal(png.Length, await Store.LengthAsync(key, default));
    }

    [S3Fact]
    public async Task A_stored_file_can_be_read_from_any_position()
    {
        var key = NewKey("bin");
        var content = RandomNumberGenerator.GetBytes(300_000);
        await Store.PutAsync(key, content, default);

        await using var stored = await Store.OpenReadAsync(key, default);
        var stream = stored!.Content;
        var head = new byte[10];
        await stream.ReadExactlyAsync(head);
        stream.Seek(250_000, SeekOrigin.Begin);
        var tail = new byte[50_000];
        await stream.ReadExactlyAsync(tail);
        stream.Position = 5;
        var middle = new byte[10];
        await stream.ReadExactlyAsync(middle);

        Assert.Equal(content[..10], head);
        Assert.Equal(content[250_000..], tail);
        Assert.Equal(content[5..15], middle);
        Assert.Equal(15, stream.Position);
        stream.Seek(0, SeekOrigin.End);
        Assert.Equal(0, await stream.ReadAsync(new byte[1]));
    }

    [S3Fact]
    public async Task A_missing_key_is_null_for_open_and_length()
    {
        var key = NewKey("png");

        Assert.Null(await Store.OpenReadAsync(key, default));
        Assert.Null(await Store.LengthAsync(key, default));
    }

    [S3Fact]
    public async Task A_deleted_file_is_gone_and_deleting_a_missing_one_is_no_error()
    {
        var key = NewKey("png");
        await Store.PutAsync(key, TestImages.Png(3, 3), default);

        await Store.DeleteAsync(key, default);
        await Store.DeleteAsync(key, default);

        Assert.Null(await Store.OpenReadAsync(key, default));
    }

    [S3Fact]
    public async Task An_invalid_key_is_refused_on_put_and_not_found_on_read()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("../escape.png", new byte[] { 1 }, default));
        Assert.Null(await Store.OpenReadAsync("Results/UPPER.png", default));
        Assert.Null(await Store.LengthAsync("results/../x.png", default));
    }

    [S3Theory]
    [InlineData("png", "image/png")]
    [InlineData("jpg", "image/jpeg")]
    [InlineData("mp4", "video/mp4")]
    [InlineData("json", "application/json")]
    [InlineData("bin", "application/octet-stream")]
    public async Task Objects_are_stored_with_the_content_type_of_their_extension(string extension, string contentType)
    {
        var key = NewKey(extension);
        await Store.PutAsync(key, new byte[] { 1, 2, 3 }, default);

        var (data, storedType) = await TestS3.ReadObjectAsync(key);
        using var client = TestS3.Client();
        var metadata = await client.GetObjectMetadataAsync(TestS3.Bucket, key);

        Assert.Equal(new byte[] { 1, 2, 3 }, data);
        Assert.Equal(contentType, storedType);
        // Served as is by a public bucket or CDN, like RunHub's own /files/.
        Assert.Equal("public, max-age=31536000, immutable", metadata.Headers.CacheControl);
    }

    [S3Fact]
    public async Task A_large_stream_is_stored_and_read_back_whole()
    {
        var key = NewKey("bin");
        var content = RandomNumberGenerator.GetBytes(12 * 1024 * 1024 + 123);
        await using (var file = new MemoryStream(content, writable: false))
        {
            file.Position = 4096; // the whole stream is stored, wherever it was left
            await Store.PutAsync(key, file, default);
        }

        await using var stored = await Store.OpenReadAsync(key, default);
        Assert.Equal(content.Length, stored!.Length);
        Assert.Equal(SHA256.HashData(content), await SHA256.HashDataAsync(stored.Content));
    }

    [S3Fact]
    public async Task A_presigned_url_downloads_the_object_without_credentials_and_states_its_lifetime()
    {
        var key = NewKey("png");
        var png = TestImages.Png(4, 4);
        await Store.PutAsync(key, png, default);

        var url = Store.PresignedUrl(key, TimeSpan.FromMinutes(90));

        Assert.StartsWith($"{TestS3.Url}/{TestS3.Bucket}/{key}?", url);
        TestS3.AssertLifetime(url, 5400);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
    }

    public void Dispose()
    {
        if (_store.IsValueCreated) _store.Value.Dispose();
    }
}
