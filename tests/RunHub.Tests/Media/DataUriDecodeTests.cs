using RunHub.Media;

namespace RunHub.Tests.Media;

/// <summary>
/// A base64 payload without whitespace or escapes is decoded block by block (4,096 characters a block) by the library's
/// vectorised decoder: it must take and refuse exactly what <see cref="Convert.FromBase64String"/> takes and refuses, at
/// every block boundary.
/// </summary>
public class DataUriDecodeTests
{
    public static TheoryData<int> Sizes() => [0, 1, 2, 3, 3070, 3071, 3072, 3073, 3074, 6143, 6144, 6145, 10_000, 65_536];

    private static byte[] Bytes(int size) => Enumerable.Range(0, size).Select(i => (byte)(i * 131 + 7)).ToArray();

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_payload_of_any_length_decodes_to_its_bytes_and_counts_as_them(int size)
    {
        var bytes = Bytes(size);
        var url = "data:image/png;base64," + Convert.ToBase64String(bytes);

        Assert.Equal(bytes, DataUri.Decode(url, new SizeLimit(1)));
        Assert.Equal(size, DataUri.DecodedLength(url));
    }

    [Theory]
    [InlineData(100, "*AAA")]
    [InlineData(5000, "*AAA")]
    [InlineData(5000, "\u00e9AAA")]
    [InlineData(5000, "\u6f22AAA")]
    [InlineData(5000, "AA==")]
    [InlineData(4092, "AAA=")]
    [InlineData(8188, "A===")]
    public void A_payload_the_framework_refuses_is_refused(int at, string inserted)
    {
        // Four characters, so the length stays a multiple of 4: a character outside the alphabet (ASCII or not) or
        // padding before the end, in the first block or a later one.
        var broken = Convert.ToBase64String(Bytes(9000)).Insert(at, inserted);

        Assert.Throws<FormatException>(() => Convert.FromBase64String(broken));
        var refused = Assert.Throws<FetchRefusedException>(() => DataUri.Decode("data:image/png;base64," + broken, new SizeLimit(1)));
        Assert.Equal("the data: URL is not valid base64", refused.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_payload_whose_length_is_not_a_multiple_of_four_is_refused(int cut)
    {
        var text = Convert.ToBase64String(Bytes(6000))[..^cut];

        Assert.Throws<FetchRefusedException>(() => DataUri.Decode("data:image/png;base64," + text, new SizeLimit(1)));
    }
}
