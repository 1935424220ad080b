using Microsoft.Net.Http.Headers;
using RunHub.Media;

namespace RunHub.Api;

/// <summary>
/// The headers that keep a stored file from running as a page of the API's origin (stored XSS), whatever it holds and
/// however it got there (an upload from before uploads were checked, an engine's output): <c>X-Content-Type-Options:
/// nosniff</c> (the browser takes the declared type), a <c>Content-Security-Policy</c> that allows no scripts, frames,
/// forms or plugins and sandboxes the document, and <c>Content-Disposition: attachment</c> for every type but the
/// images, audio and video RunHub knows (<see cref="MediaFormat"/>; SVG, HTML, XML, JavaScript, JSON, text, zip and
/// unknown files are downloaded, never shown).
/// </summary>
public static class ServedFileHeaders
{
    /// <summary>
    /// Nothing may load or run; the file itself is shown when it is an image or a medium (the browser's own viewer for it
    /// needs <c>img-src</c>/<c>media-src</c> of the file's origin and inline styles); <c>sandbox</c> without tokens also
    /// gives the document an opaque origin, so even a type that slipped through could not read the API's cookies or
    /// storage.
    /// </summary>
    public const string ContentSecurityPolicy = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";

    /// <summary>Sets the headers for the stored file <paramref name="key"/> (its type comes from its extension).</summary>
    public static void Apply(HttpResponse response, string key)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        if (!ShownInline(key))
            response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
            {
                FileName = key[(key.LastIndexOf('/') + 1)..],
            }.ToString();
    }

    /// <summary>Whether a browser may show the file: only the image, audio and video formats RunHub recognises by content.</summary>
    public static bool ShownInline(string key) =>
        Path.GetExtension(key) is { Length: > 1 } extension
        && MediaFormat.Find(extension) is { Kind: MediaKind.Image or MediaKind.Audio or MediaKind.Video };
}
