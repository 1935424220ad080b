namespace RunHub.Media;

public enum MediaKind
{
    Image,
    Video,
    Audio,
    Other,
}

/// <summary>
/// A file format RunHub recognises: its name in the model registry's spelling (the <c>accept</c> lists use
/// JPG, PNG, MP4, ...), the extension it is stored under, its content type, and what kind of media it is.
/// </summary>
public sealed record MediaFormat(string Name, string Extension, string ContentType, MediaKind Kind, params string[] Aliases)
{
    public const string UnknownContentType = "application/octet-stream";

    public static readonly MediaFormat Png = new("PNG", "png", "image/png", MediaKind.Image);
    public static readonly MediaFormat Jpg = new("JPG", "jpg", "image/jpeg", MediaKind.Image, "JPEG", "JPE", "JFIF");
    public static readonly MediaFormat Webp = new("WEBP", "webp", "image/webp", MediaKind.Image);
    public static readonly MediaFormat Gif = new("GIF", "gif", "image/gif", MediaKind.Image);
    public static readonly MediaFormat Bmp = new("BMP", "bmp", "image/bmp", MediaKind.Image);
    public static readonly MediaFormat Tiff = new("TIFF", "tiff", "image/tiff", MediaKind.Image, "TIF");
    public static readonly MediaFormat Heic = new("HEIC", "heic", "image/heic", MediaKind.Image, "HEIF");
    public static readonly MediaFormat Avif = new("AVIF", "avif", "image/avif", MediaKind.Image);
    public static readonly MediaFormat Mp4 = new("MP4", "mp4", "video/mp4", MediaKind.Video, "M4V");
    public static readonly MediaFormat Mov = new("MOV", "mov", "video/quicktime", MediaKind.Video, "QT");
    public static readonly MediaFormat Webm = new("WEBM", "webm", "video/webm", MediaKind.Video);
    public static readonly MediaFormat Mkv = new("MKV", "mkv", "video/x-matroska", MediaKind.Video);
    public static readonly MediaFormat Avi = new("AVI", "avi", "video/x-msvideo", MediaKind.Video);
    public static readonly MediaFormat Mp3 = new("MP3", "mp3", "audio/mpeg", MediaKind.Audio);
    public static readonly MediaFormat Wav = new("WAV", "wav", "audio/wav", MediaKind.Audio, "WAVE");
    public static readonly MediaFormat Flac = new("FLAC", "flac", "audio/flac", MediaKind.Audio);
    public static readonly MediaFormat Ogg = new("OGG", "ogg", "audio/ogg", MediaKind.Audio, "OGA", "OPUS");
    public static readonly MediaFormat M4a = new("M4A", "m4a", "audio/mp4", MediaKind.Audio);
    public static readonly MediaFormat Aac = new("AAC", "aac", "audio/aac", MediaKind.Audio);
    public static readonly MediaFormat Glb = new("GLB", "glb", "model/gltf-binary", MediaKind.Other);
    public static readonly MediaFormat Zip = new("ZIP", "zip", "application/zip", MediaKind.Other);

    public static IReadOnlyList<MediaFormat> All { get; } =
        [Png, Jpg, Webp, Gif, Bmp, Tiff, Heic, Avif, Mp4, Mov, Webm, Mkv, Avi, Mp3, Wav, Flac, Ogg, M4a, Aac, Glb, Zip];

    /// <summary>
    /// Whether <c>/openapi/v2/media/upload/binary</c> takes a file of this format: the kinds RunningHub's upload takes
    /// (images, audio, video, zip archives), and nothing a browser could run as a page or a script.
    /// </summary>
    public bool Uploadable => Kind is MediaKind.Image or MediaKind.Audio or MediaKind.Video || this == Zip;

    /// <summary>The upload response's <c>type</c>: image, video, audio or other.</summary>
    public string UploadType => UploadTypeOf(Kind);

    /// <summary>Finds a format by registry name, alias or file extension ("JPEG", "jpg", ".jpeg", "photo.JPG").</summary>
    public static MediaFormat? Find(string nameOrExtension)
    {
        var dot = nameOrExtension.LastIndexOf('.');
        var name = (dot >= 0 ? nameOrExtension[(dot + 1)..] : nameOrExtension).Trim();
        return All.FirstOrDefault(f =>
            string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(f.Extension, name, StringComparison.OrdinalIgnoreCase) ||
            f.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));
    }

    public static string ContentTypeOf(string nameOrExtension) => Find(nameOrExtension)?.ContentType ?? UnknownContentType;

    public static string UploadTypeOf(string nameOrExtension) => Find(nameOrExtension)?.UploadType ?? UploadTypeOf(MediaKind.Other);

    public static string UploadTypeOf(MediaKind kind) => kind switch
    {
        MediaKind.Image => "image",
        MediaKind.Video => "video",
        MediaKind.Audio => "audio",
        _ => "other",
    };

    public override string ToString() => Name;
}
