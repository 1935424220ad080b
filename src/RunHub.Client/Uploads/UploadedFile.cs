namespace RunHub.Client;

/// <summary>A file stored by the server's upload endpoint.</summary>
/// <param name="DownloadUrl">Its URL, usable in any media parameter (the server's <c>data.download_url</c>).</param>
/// <param name="FileName">The server's name for it (RunHub: <c>openapi/&lt;sha256&gt;.png</c>).</param>
/// <param name="Type">Its kind as the server detected it (<c>image</c>, <c>video</c>, <c>audio</c>, ...).</param>
/// <param name="Size">Its size in bytes, when reported.</param>
public sealed record UploadedFile(string DownloadUrl, string? FileName, string? Type, long? Size);
