using RunHub.Media;

namespace RunHub.Tests.Media;

public class MediaFormatTests
{
    [Theory]
    [InlineData("JPG", "JPG")]
    [InlineData("jpeg", "JPG")]
    [InlineData(".JPEG", "JPG")]
    [InlineData("photo.tif", "TIFF")]
    [InlineData("clip.m4v", "MP4")]
    [InlineData("WAV", "WAV")]
    public void Formats_are_found_by_name_alias_or_file_name(string query, string expected)
    {
        Assert.Equal(expected, MediaFormat.Find(query)?.Name);
    }

    [Theory]
    [InlineData("png", "image/png", "image")]
    [InlineData("JPG", "image/jpeg", "image")]
    [InlineData("mp4", "video/mp4", "video")]
    [InlineData("mov", "video/quicktime", "video")]
    [InlineData("mp3", "audio/mpeg", "audio")]
    [InlineData("wav", "audio/wav", "audio")]
    [InlineData("glb", "model/gltf-binary", "other")]
    [InlineData("zip", "application/zip", "other")]
    [InlineData("exe", "application/octet-stream", "other")]
    public void Extensions_map_to_a_content_type_and_an_upload_type(string extension, string contentType, string uploadType)
    {
        Assert.Equal(contentType, MediaFormat.ContentTypeOf(extension));
        Assert.Equal(uploadType, MediaFormat.UploadTypeOf(extension));
    }

    [Fact]
    public void Every_format_has_a_distinct_name_and_extension()
    {
        Assert.Equal(MediaFormat.All.Count, MediaFormat.All.Select(f => f.Name).Distinct().Count());
        Assert.Equal(MediaFormat.All.Count, MediaFormat.All.Select(f => f.Extension).Distinct().Count());
        Assert.All(MediaFormat.All, f => Assert.Same(f, MediaFormat.Find(f.Extension)));
    }
}
