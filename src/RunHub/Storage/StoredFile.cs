namespace RunHub.Storage;

/// <summary>An open stored file: its content (read it once, from the start) and its size.</summary>
/// <param name="owner">What else holds the open file (e.g. the HTTP response it streams from); disposed with it.</param>
public sealed class StoredFile(Stream content, long length, IDisposable? owner = null) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;
    public long Length { get; } = length;

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync();
        owner?.Dispose();
    }

    public void Dispose()
    {
        Content.Dispose();
        owner?.Dispose();
    }
}
