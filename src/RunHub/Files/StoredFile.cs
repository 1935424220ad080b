namespace RunHub.Files;

/// <summary>An open stored file: its content (a seekable stream, positioned at the start) and its size.</summary>
public sealed class StoredFile(Stream content, long length) : IAsyncDisposable, IDisposable
{
    public Stream Content { get; } = content;
    public long Length { get; } = length;

    public ValueTask DisposeAsync() => Content.DisposeAsync();
    public void Dispose() => Content.Dispose();
}
