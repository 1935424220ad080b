using Microsoft.Win32.SafeHandles;

namespace RunHub.Files;

/// <summary>
/// Files under a folder of the data directory. Writes go to a temporary file first, then are moved into place, except
/// those of new keys nothing reads yet (<see cref="PutNewAsync"/>), which are written in place.
/// </summary>
public sealed class LocalFileStore(string root) : IFileStore
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Bytes written in one synchronous call: a small file (an inline input, a text result) costs a write to the
    /// page cache, less than handing it to the thread pool as asynchronous file I/O does on Linux.</summary>
    private const int SmallWriteBytes = 256 * 1024;

    /// <summary>
    /// Writes <paramref name="data"/> under <paramref name="key"/> without a buffer of its own: straight from the memory
    /// given to a temporary file, which is then moved into place (a reader sees the whole file or none).
    /// </summary>
    /// <exception cref="ArgumentException">The key is not a valid file key.</exception>
    /// <exception cref="IOException">The disk refused the write; nothing is left under the key or beside it.</exception>
    public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        WriteAsync(key, inPlace: false, OptionsFor(data), (handle, ct) => WriteBytesAsync(handle, data, ct), cancellationToken);

    /// <summary>
    /// Writes <paramref name="data"/> straight to the key's path, created new (an existing file is never replaced): one
    /// create and one write, where <see cref="PutAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/> also creates a
    /// temporary name and renames it, two more changes of a folder that may hold many files. Safe only because nothing
    /// reads the key before this returns; a write that fails removes what it wrote. The file's content is synced to disk
    /// (fsync) before this returns; its new name is in the same file system journal commit on ext4 and XFS.
    /// </summary>
    /// <exception cref="ArgumentException">The key is not a valid file key.</exception>
    /// <exception cref="IOException">The disk refused the write (nothing is left under the key), or the key exists already.</exception>
    public Task PutNewAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        WriteAsync(key, inPlace: true, OptionsFor(data), async (handle, ct) =>
        {
            await WriteBytesAsync(handle, data, ct);
            // Durable before it returns: the caller then commits a task that names the file (an inline input).
            RandomAccess.FlushToDisk(handle);
        }, cancellationToken);

    /// <summary>A small buffer is written in one synchronous call (<see cref="WriteBytesAsync"/>), a large one asynchronously.</summary>
    private static FileOptions OptionsFor(ReadOnlyMemory<byte> data) =>
        data.Length <= SmallWriteBytes ? FileOptions.None : FileOptions.Asynchronous;

    /// <summary>Writes <paramref name="data"/> from the file's start: in one synchronous call when small (<see cref="SmallWriteBytes"/>).</summary>
    private static async Task WriteBytesAsync(SafeFileHandle handle, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length <= SmallWriteBytes) RandomAccess.Write(handle, data.Span, 0);
        else await RandomAccess.WriteAsync(handle, data, 0, cancellationToken);
    }

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) =>
        WriteAsync(key, inPlace: false, FileOptions.Asynchronous, async (handle, ct) =>
        {
            content.Position = 0;
            await using var file = new FileStream(handle, FileAccess.Write, 64 * 1024, isAsync: true);
            await content.CopyToAsync(file, ct);
        }, cancellationToken);

    public Task<StoredFile?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return Task.FromResult<StoredFile?>(null);
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult<StoredFile?>(null);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        return Task.FromResult<StoredFile?>(new StoredFile(stream, stream.Length));
    }

    public Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return Task.FromResult<long?>(null);
        var file = new FileInfo(PathOf(key));
        return Task.FromResult<long?>(file.Exists ? file.Length : null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        if (!FileKey.IsValid(key)) return Task.CompletedTask;
        var path = PathOf(key);
        var folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder)) return Task.CompletedTask;
        File.Delete(path);
        // A result folder holds one run's files, written once: when its last file is gone, so is the folder. (Shared
        // folders such as uploads' stay: a write there may be creating it again at this moment.)
        if (key.StartsWith("results/", StringComparison.Ordinal) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            try { Directory.Delete(folder); }
            catch (IOException) { } // not empty after all
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Creates a new file, lets <paramref name="write"/> fill it, and removes it again when the write fails or is
    /// cancelled. The file is a temporary one beside the key's path, moved into place once written (a reader sees the
    /// whole file or none), or, <paramref name="inPlace"/>, the key's path itself, which must not exist yet (a file
    /// already there is left as it was: the create fails before anything is written).
    /// </summary>
    private async Task WriteAsync(string key, bool inPlace, FileOptions options, Func<SafeFileHandle, CancellationToken, Task> write,
        CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        var written = inPlace ? path : TempPathOf(path);
        var handle = CreateNew(written, options);
        try
        {
            using (handle) await write(handle, cancellationToken);
            if (!inPlace) File.Move(written, path, overwrite: true);
        }
        catch
        {
            File.Delete(written);
            throw;
        }
    }

    private static string TempPathOf(string path) => path + "." + Guid.NewGuid().ToString("N") + ".tmp";

    /// <summary>Creates an empty file, and its folder when there is none yet (only then: most writes go to a folder that exists).</summary>
    private static SafeFileHandle CreateNew(string path, FileOptions options)
    {
        try
        {
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, options);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, options);
        }
    }

    private string PathOf(string key)
    {
        if (!FileKey.IsValid(key)) throw new ArgumentException($"invalid file key '{key}'", nameof(key));
        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
