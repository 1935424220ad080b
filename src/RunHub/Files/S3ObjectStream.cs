using Amazon.S3;
using Amazon.S3.Model;

namespace RunHub.Files;

/// <summary>
/// An S3 object read as a seekable stream: it reads the GET it was opened with, and a seek elsewhere starts a
/// ranged GET from there. So <c>/files/</c> serves HTTP range requests (video players seek) from S3 as from disk,
/// without buffering the object.
/// </summary>
internal sealed class S3ObjectStream(IAmazonS3 client, string bucket, string key, GetObjectResponse opened) : Stream
{
    private GetObjectResponse? _response = opened;
    private long _position;
    private long _responsePosition;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length { get; } = opened.ContentLength;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        if (target < 0) throw new IOException("cannot seek before the start of the object");
        _position = target;
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= Length) return 0;
        if (_response is null || _responsePosition != _position)
        {
            _response?.Dispose();
            _response = null;
            _response = await client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket,
                Key = key,
                ByteRange = new ByteRange(_position, Length - 1),
            }, cancellationToken);
            _responsePosition = _position;
        }
        var read = await _response.ResponseStream.ReadAsync(buffer, cancellationToken);
        if (read == 0 && _position < Length) throw new IOException($"the S3 object '{key}' ended at {_position} of {Length} bytes");
        _position += read;
        _responsePosition += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _response?.Dispose();
        _response = null;
        base.Dispose(disposing);
    }
}
