using RunHub.Media;

namespace RunHub.Tests.Media;

public class SizeLimitTests
{
    /// <summary>An endless stream that counts what is taken from it.</summary>
    private sealed class EndlessStream : Stream
    {
        public long Taken { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            // Ends a reader that ignores its limit before it eats the machine's memory.
            if (Taken > 64 * 1024 * 1024) throw new InvalidOperationException("read far past the limit");
            Taken += count;
            return count;
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Taken; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Reading_an_endless_stream_stops_one_byte_past_the_limit()
    {
        var limit = SizeLimit.For(1);
        var stream = new EndlessStream();

        await Assert.ThrowsAsync<FetchRefusedException>(() => limit.ReadAllAsync(stream, null, default));

        Assert.Equal(limit.Bytes + 1, stream.Taken);
    }

    [Fact]
    public async Task A_stream_of_exactly_the_limit_is_accepted()
    {
        var limit = new SizeLimit(0.25);
        var data = new byte[limit.Bytes];

        Assert.Equal(data.Length, (await limit.ReadAllAsync(new MemoryStream(data), data.Length, default)).Length);
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData(0d, 10)]
    [InlineData(30d, 30)]
    public void A_parameter_without_a_positive_max_size_gets_ten_megabytes(double? maxSizeMb, double expected)
    {
        Assert.Equal(expected, SizeLimit.For(maxSizeMb).Megabytes);
    }
}
