namespace RunHub.Files;

/// <summary>
/// Where uploads and results live. Keys are relative paths of lowercase letters, digits, '-', '_', '.', '/'
/// (e.g. <c>results/3f2a.../0.png</c>); they are served at <c>/files/{key}</c>. Stored files never change; they are
/// deleted when they expire (<see cref="FileRetention"/>).
/// </summary>
public interface IFileStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Stores the whole of <paramref name="content"/>, from its start, without holding it in memory; the stream must be seekable.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a stored file, or returns null when there is none under that key.</summary>
    Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>The size in bytes of a stored file, or null when there is none under that key.</summary>
    Task<long?> LengthAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes a stored file; nothing happens when there is none under that key (a delete may be repeated).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
