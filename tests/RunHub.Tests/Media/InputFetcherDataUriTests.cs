using System.Text;
using RunHub.Tests.Media.Support;

using RunHub.Tests.Support;

namespace RunHub.Tests.Media;

public class InputFetcherDataUriTests : IDisposable
{
    private readonly Fetchers _fetchers = new();

    private Task<RunHub.Media.MediaInput> FetchAsync(string url, double? maxSizeMb = 10) =>
        _fetchers.Create().FetchAsync(TestMedia.Reference(url), TestMedia.ImageSpec(maxSizeMb), default).Within();

    [Fact]
    public async Task A_base64_data_url_is_decoded_and_probed()
    {
        var png = TestImages.Png(30, 20);

        var input = await FetchAsync(TestImages.DataUri(png));

        Assert.Equal(png, input.Data);
        Assert.Equal(("PNG", 30, 20), (input.Format, input.Width, input.Height));
    }

    [Fact]
    public async Task Inputs_decoded_one_after_another_each_get_exactly_their_own_bytes()
    {
        // Small inputs are decoded in a pooled buffer: a larger input's bytes must never show in a smaller one's, and
        // every padding (none, one or two '=') must give the exact length.
        var large = TestImages.Png(40, 40);
        var small = TestImages.Png(2, 2);
        var padded = new[] { small, small.Concat(new byte[] { 0 }).ToArray(), small.Concat(new byte[] { 0, 0 }).ToArray() };

        Assert.Equal(large, (await FetchAsync(TestImages.DataUri(large))).Data);
        foreach (var bytes in padded)
            Assert.Equal(bytes, (await FetchAsync(TestImages.DataUri(bytes))).Data);
        Assert.Equal(large, (await FetchAsync(TestImages.DataUri(large))).Data);
    }

    [Fact]
    public async Task A_base64_data_url_with_percent_escapes_and_line_breaks_is_decoded()
    {
        var jpeg = TestImages.Jpeg(9, 7);
        var base64 = Convert.ToBase64String(jpeg, Base64FormattingOptions.InsertLineBreaks)
            .Replace("+", "%2B", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);

        var input = await FetchAsync("DATA:image/jpeg;BASE64," + base64);

        Assert.Equal(jpeg, input.Data);
    }

    [Fact]
    public async Task A_percent_encoded_data_url_is_decoded_byte_for_byte()
    {
        var png = TestImages.Png(3, 3);
        var encoded = new StringBuilder("data:image/png,");
        foreach (var b in png) encoded.Append(char.IsAsciiLetterOrDigit((char)b) ? ((char)b).ToString() : $"%{b:X2}");

        var input = await FetchAsync(encoded.ToString());

        Assert.Equal(png, input.Data);
    }

    [Theory]
    [InlineData("data:image/png;base64,iVBORw0KGgo*not base64*", "the data: URL is not valid base64: '*' at character 12 of its data")]
    [InlineData("data:image/png;base64", "not a valid data: URL")]
    [InlineData("data:image/png,%8", "the data: URL has a malformed percent escape")]
    [InlineData("data:image/png,%zz", "the data: URL has a malformed percent escape")]
    public async Task A_malformed_data_url_is_refused(string url, string reason)
    {
        var rejected = await Assert.ThrowsAsync<RunHub.Media.InputRejectedException>(() => FetchAsync(url));

        Assert.Equal("imageUrls[0]: " + reason, rejected.Message);
    }

    [Fact]
    public async Task A_base64_data_url_over_the_limit_is_refused()
    {
        var big = new byte[11 * 1024 * 1024];
        TestImages.Png(2, 2).CopyTo(big, 0);

        var rejected = await Assert.ThrowsAsync<RunHub.Media.InputRejectedException>(() => FetchAsync(TestImages.DataUri(big)));

        Assert.Equal("imageUrls[0]: file is larger than 10 MB", rejected.Message);
    }

    [Fact]
    public async Task A_base64_data_url_of_exactly_the_limit_is_accepted_despite_its_line_breaks()
    {
        var exact = new byte[512 * 1024];
        TestImages.Png(2, 2).CopyTo(exact, 0);
        var url = "data:image/png;base64," + Convert.ToBase64String(exact, Base64FormattingOptions.InsertLineBreaks);

        var input = await FetchAsync(url, maxSizeMb: 0.5);

        Assert.Equal(exact.Length, input.Data.Length);
    }

    [Fact]
    public async Task A_percent_encoded_data_url_over_the_parameters_own_limit_is_refused()
    {
        var url = "data:image/png," + new string('a', 600 * 1024);

        var rejected = await Assert.ThrowsAsync<RunHub.Media.InputRejectedException>(() => FetchAsync(url, maxSizeMb: 0.5));

        Assert.Equal("imageUrls[0]: file is larger than 0.5 MB", rejected.Message);
    }

    public void Dispose() => _fetchers.Dispose();
}
