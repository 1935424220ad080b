using System.Globalization;

namespace RunHub.Media;

/// <summary>Bytes an input fetch received, for what a failed fetch cost (shared by the steps of one task's fetch).</summary>
public sealed class TransferMeter
{
    private long _bytes;

    /// <summary>Body bytes received so far.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    internal void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
}

/// <summary>
/// Cuts a download off when it is too slow to be worth the worker holding it: the server must start answering
/// (response headers) within one window, and then every window must bring at least the minimum rate times its
/// length. A server sending one byte a second is thus dropped after one window, not after the whole fetch timeout.
/// Checked on the given <see cref="TimeProvider"/>'s timer, so tests move time instead of waiting.
/// </summary>
internal sealed class TransferRateGuard : IDisposable
{
    private readonly TimeSpan _window;
    private readonly long _minBytesPerWindow;
    private readonly long _minBytesPerSecond;
    private readonly TransferMeter? _meter;
    private readonly CancellationTokenSource _tooSlow = new();
    private readonly ITimer? _timer;
    private long _received;
    private long _receivedAtTick;
    private volatile bool _answered;

    /// <param name="minBytesPerSecond">0 turns the guard off (it then never cancels).</param>
    public TransferRateGuard(long minBytesPerSecond, TimeSpan window, TimeProvider time, TransferMeter? meter = null)
    {
        _window = window;
        _minBytesPerSecond = minBytesPerSecond;
        _minBytesPerWindow = (long)Math.Ceiling(minBytesPerSecond * window.TotalSeconds);
        _meter = meter;
        if (minBytesPerSecond > 0) _timer = time.CreateTimer(_ => Tick(), null, window, window);
    }

    /// <summary>Cancelled when the transfer fell below the minimum; <see cref="Reason"/> then says how.</summary>
    public CancellationToken TooSlow => _tooSlow.Token;

    public string Reason { get; private set; } = "";

    /// <summary>The response's headers arrived: from now on the body is held to the rate, a window at a time.</summary>
    public void Answered()
    {
        _answered = true;
        Interlocked.Exchange(ref _receivedAtTick, Volatile.Read(ref _received));
        _timer?.Change(_window, _window);
    }

    /// <summary><paramref name="body"/>, counting every byte read from it.</summary>
    public Stream Watch(Stream body) => new CountingStream(body, this);

    private void Count(int bytes)
    {
        Interlocked.Add(ref _received, bytes);
        _meter?.Add(bytes);
    }

    private void Tick()
    {
        var received = Volatile.Read(ref _received);
        var inWindow = received - Interlocked.Exchange(ref _receivedAtTick, received);
        var seconds = _window.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture);
        if (!_answered)
            Stop($"the server did not start answering within {seconds} s");
        else if (inWindow < _minBytesPerWindow)
            Stop(string.Create(CultureInfo.InvariantCulture,
                $"only {inWindow:N0} bytes arrived in {seconds} s, below the minimum of {_minBytesPerSecond:N0} bytes/s; slow transfers are cut off"));
    }

    private void Stop(string reason)
    {
        Reason = reason;
        _timer?.Dispose();
        try { _tooSlow.Cancel(); } catch (ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _tooSlow.Dispose();
    }

    private sealed class CountingStream(Stream inner, TransferRateGuard guard) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            guard.Count(read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            guard.Count(read);
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
