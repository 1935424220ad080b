using System.Security;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The words every sandbox file carries in its metadata, so no one mistakes a stand-in for a model's output:
/// PNG <c>tEXt Software</c>, JPEG <c>COM</c>, WebP XMP, MP4/MP3 <c>comment</c> and <c>encoded_by</c> tags, WAV
/// <c>ICMT</c>, GLB <c>asset.generator</c> and <c>asset.extras</c>, and the first line of every text result.
/// </summary>
public static class SandboxMark
{
    /// <summary>The mark itself.</summary>
    public const string Software = "RunHub sandbox engine (a deterministic stand-in, not a generative model)";

    /// <summary>"prompt sha256 prefix: 0123456789abcdef": tells prompts apart without revealing one.</summary>
    internal static string PromptComment(PromptHash variation) => $"prompt sha256 prefix: {variation.HexPrefix}";

    /// <summary>An XMP packet with the mark as <c>xmp:CreatorTool</c> and the comment as <c>dc:description</c>.</summary>
    internal static string Xmp(string comment) =>
        "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">" +
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" " +
        "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" " +
        $"xmp:CreatorTool=\"{SecurityElement.Escape(Software)}\"><dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" +
        $"{SecurityElement.Escape(comment)}</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"r\"?>";
}
