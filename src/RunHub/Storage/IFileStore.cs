namespace RunHub.Storage;

/// <summary>
/// Where uploads and results live. Keys are relative paths of lowercase letters, digits, '-', '_', '.', '/'
/// (e.g. <c>results/3f2a.../0.png</c>); they are served at <c>/files/{key}</c>.
/// </summary>
public interface IFileStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Opens a stored file, or returns null when there is none under that key.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);
}
