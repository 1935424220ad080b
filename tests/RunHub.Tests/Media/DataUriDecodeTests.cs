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
        Assert.StartsWith("the data: URL is not valid base64: ", refused.Message);
    }

    [Theory]
    [InlineData("iVBO*RK", "the data: URL is not valid base64: '*' at character 5 of its data")]
    [InlineData("iVBOR\u00e9Kg", "the data: URL is not valid base64: U+00E9 at character 6 of its data")]
    [InlineData("iVBO\r\nR!Kg", "the data: URL is not valid base64: '!' at character 8 of its data")]
    [InlineData("iV==RKgg", "the data: URL is not valid base64: padding '=' before the end, at character 3 of its data")]
    [InlineData("iVBORK===", "the data: URL is not valid base64: padding '=' before the end, at character 7 of its data")]
    [InlineData("iVBORKg", "the data: URL is not valid base64: 7 characters (spaces and line breaks aside), not a multiple of 4")]
    [InlineData("iVBO\nRKg", "the data: URL is not valid base64: 7 characters (spaces and line breaks aside), not a multiple of 4")]
    [InlineData("iVBO%2A%2B", "the data: URL is not valid base64: '*' at character 5 of its data after percent-decoding")]
    public void A_refused_payload_is_told_what_is_wrong_and_where(string payload, string message)
    {
        var refused = Assert.Throws<FetchRefusedException>(() => DataUri.Decode("data:image/png;base64," + payload, new SizeLimit(1000)));

        Assert.Equal(message, refused.Message);
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
