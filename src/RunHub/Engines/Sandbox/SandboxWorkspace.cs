namespace RunHub.Engines.Sandbox;

/// <summary>A private temporary folder for one task's ffmpeg inputs and outputs, removed when disposed.</summary>
internal sealed class SandboxWorkspace : IDisposable
{
    public SandboxWorkspace() =>
        Folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "runhub-sandbox-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)))).FullName;

    public string Folder { get; }

    /// <summary>A path inside the folder; <paramref name="name"/> is the sandbox's own, never a remote name.</summary>
    public string PathOf(string name) => Path.Combine(Folder, name);

    public async Task<string> WriteAsync(string name, byte[] data, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        await File.WriteAllBytesAsync(path, data, cancellationToken).ConfigureAwait(false);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an ffmpeg that is being killed; the OS's temp cleaning takes it later.
        }
    }
}
