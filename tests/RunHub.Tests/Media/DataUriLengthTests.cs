using RunHub.Media;

namespace RunHub.Tests.Media;

/// <summary>The size an inline input is checked against at submit is the size it decodes to, counted without decoding.</summary>
public class DataUriLengthTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    public void A_base64_data_url_counts_as_the_bytes_it_decodes_to(int size)
    {
        var bytes = Enumerable.Range(0, size).Select(i => (byte)(i * 37)).ToArray();
        var plain = "data:image/png;base64," + Convert.ToBase64String(bytes);
        var wrapped = "data:image/png;base64," + Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks);
        var escaped = plain.Replace("+", "%2B", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);

        foreach (var url in new[] { plain, wrapped, escaped })
        {
            Assert.Equal(size, DataUri.DecodedLength(url));
            Assert.Equal(size, DataUri.Decode(url, new SizeLimit(10)).Length);
        }
    }

    [Theory]
    [InlineData("data:,hello", 5)]
    [InlineData("data:text/plain,%00%ff%41", 3)]
    [InlineData("data:,caf\u00e9", 5)]
    [InlineData("data:,\u6f22\u5b57", 6)]
    [InlineData("data:,\ud83d\ude00", 4)]
    public void A_percent_encoded_data_url_counts_as_the_bytes_it_decodes_to(string url, int size)
    {
        Assert.Equal(size, DataUri.DecodedLength(url));
        Assert.Equal(size, DataUri.Decode(url, new SizeLimit(1)).Length);
    }

    [Fact]
    public void Something_that_is_not_a_data_url_has_no_decoded_length() =>
        Assert.Null(DataUri.DecodedLength("https://example.com/a.png"));
}
