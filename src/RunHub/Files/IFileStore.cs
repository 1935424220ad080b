namespace RunHub.Files;

/// <summary>
/// Where uploads and results live. Keys are relative paths of lowercase letters, digits, '-', '_', '.', '/'
/// (e.g. <c>results/3f2a.../0.png</c>); they are served at <c>/files/{key}</c>. Stored files never change; they are
/// deleted when they expire (<see cref="FileRetention"/>).
/// </summary>
public interface IFileStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="data"/> under a new key that nothing reads before this returns: a random key, published
    /// (in a committed task) only afterwards, such as an inline input's. A store may then write it in place, without the
    /// temporary file and rename that <see cref="PutAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/> needs to
    /// keep a reader from a half-written file; by default it is that same put. The file is durable when this returns
    /// (synced to disk; an S3 PUT is when it is answered): the caller commits a task that names it afterwards.
    /// </summary>
    /// <exception cref="IOException">The disk refused the write, or a file already has that key (it is left as it was).</exception>
    Task PutNewAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => PutAsync(key, data, cancellationToken);

    /// <summary>Stores the whole of <paramref name="content"/>, from its start, without holding it in memory; the stream must be seekable.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a stored file, or returns null when there is none under that key.</summary>
    Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>The size in bytes of a stored file, or null when there is none under that key.</summary>
    Task<long?> LengthAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes a stored file; nothing happens when there is none under that key (a delete may be repeated).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
