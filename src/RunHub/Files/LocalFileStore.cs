namespace RunHub.Files;

/// <summary>Files under a folder of the data directory. Writes go to a temporary file first, then are moved into place.</summary>
public sealed class LocalFileStore(string root) : IFileStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        WriteAsync(key, (file, ct) => file.WriteAsync(data, ct), cancellationToken);

    public Task PutAsync(string key, Stream content, CancellationToken cancellationToken) =>
        WriteAsync(key, (file, ct) =>
        {
            content.Position = 0;
            return new ValueTask(content.CopyToAsync(file, ct));
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

    private async Task WriteAsync(string key, Func<FileStream, CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
                await write(file, cancellationToken);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            // A write that failed or was cancelled leaves no half-written file behind.
            File.Delete(temp);
        }
    }

    private string PathOf(string key)
    {
        if (!FileKey.IsValid(key)) throw new ArgumentException($"invalid file key '{key}'", nameof(key));
        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }
}
