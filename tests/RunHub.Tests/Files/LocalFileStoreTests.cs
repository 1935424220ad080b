using RunHub.Files;
using RunHub.Tests.Support;

namespace RunHub.Tests.Files;

public sealed class LocalFileStoreTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly LocalFileStore _store;

    public LocalFileStoreTests() => _store = new LocalFileStore(_root.Path);

    public void Dispose() => _root.Dispose();

    private async Task<byte[]> ReadAsync(string key)
    {
        var stored = await _store.OpenReadAsync(key, default);
        Assert.NotNull(stored);
        await using var stream = stored.Content;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private string[] FilesOnDisk() => Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories);

    /// <summary>Both ways of storing a buffer: through a temporary file (PutAsync), or in place under a new key (PutNewAsync).</summary>
    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1000)]
    [InlineData(false, 3 * 1024 * 1024)] // above the one-call write: written asynchronously
    [InlineData(true, 0)]
    [InlineData(true, 1000)]
    [InlineData(true, 3 * 1024 * 1024)]
    public async Task Bytes_put_under_a_new_folder_read_back_whole_with_no_other_file_left(bool asNewKey, int length)
    {
        var data = new byte[length];
        Random.Shared.NextBytes(data);

        if (asNewKey) await _store.PutNewAsync("inputs/new-folder/a.png", data, default);
        else await _store.PutAsync("inputs/new-folder/a.png", data, default);

        Assert.Equal(data, await ReadAsync("inputs/new-folder/a.png"));
        Assert.Equal(length, await _store.LengthAsync("inputs/new-folder/a.png", default));
        Assert.Equal([Path.Combine(_root.Path, "inputs", "new-folder", "a.png")], FilesOnDisk());
    }

    [Fact]
    public async Task A_second_put_under_the_same_key_replaces_the_file_whole()
    {
        await _store.PutAsync("results/t/0.txt", "first, longer text"u8.ToArray(), default);
        await _store.PutAsync("results/t/0.txt", "second"u8.ToArray(), default);

        Assert.Equal("second"u8.ToArray(), await ReadAsync("results/t/0.txt"));
        Assert.Single(FilesOnDisk());
    }

    [Fact]
    public async Task A_stream_that_fails_midway_leaves_nothing_under_the_key_or_beside_it()
    {
        var failing = new FailingStream(bytesBeforeFailure: 100_000);

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("uploads/broken.wav", failing, default));

        Assert.Null(await _store.LengthAsync("uploads/broken.wav", default));
        Assert.Empty(FilesOnDisk());
    }

    [Fact]
    public async Task A_cancelled_put_leaves_nothing_behind()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PutAsync("inputs/c.png", new byte[4 * 1024 * 1024], cancelled.Token));

        Assert.Empty(FilesOnDisk());
    }

    [Fact]
    public async Task A_new_put_never_replaces_an_existing_file()
    {
        await _store.PutNewAsync("inputs/d.png", "first"u8.ToArray(), default);

        await Assert.ThrowsAsync<IOException>(() => _store.PutNewAsync("inputs/d.png", "second"u8.ToArray(), default));

        Assert.Equal("first"u8.ToArray(), await ReadAsync("inputs/d.png"));
        Assert.Single(FilesOnDisk());
    }

    [Fact]
    public async Task A_cancelled_new_put_leaves_nothing_behind()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PutNewAsync("inputs/e.png", new byte[4 * 1024 * 1024], cancelled.Token));

        Assert.Empty(FilesOnDisk());
    }

    /// <summary>A readable, seekable stream that gives some bytes and then fails, as a dropped upload does.</summary>
    private sealed class FailingStream(int bytesBeforeFailure) : MemoryStream(new byte[bytesBeforeFailure * 2])
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= bytesBeforeFailure ? throw new IOException("the client went away") : base.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
