namespace RunHub.Tests.Support;

public static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "runhub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { /* a file still open by a dying process; the OS temp cleanup gets it */ }
        catch (UnauthorizedAccessException) { }
    }
}
