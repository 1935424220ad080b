namespace RunHub.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted with what is in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "runhub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* a file still open by a dying process; the OS temp cleanup gets it */ }
        catch (UnauthorizedAccessException) { }
    }
}
