using System.Net;
using System.Net.Sockets;

namespace RunHub.Tests.Data;

/// <summary>
/// A loopback TCP proxy in front of the test PostgreSQL server that counts round trips: each time a client starts sending
/// after the server last sent (or for the first time) is one. A client that sends a batch and waits for its answer makes
/// one, however many statements the batch holds and however the bytes are split on the way. Opening a connection is not
/// counted: its first messages (the SSL request and the startup message, the only ones without a type byte, so their
/// first byte is the high byte of their length, 0) are how a pool grows, which Npgsql's multiplexed pool does by itself
/// when a command finds its connections busy, not a round trip of the work measured.
/// </summary>
public sealed class RoundTripCounter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private int _roundTrips;

    /// <summary>The first byte of an untyped (connection start-up) message of PostgreSQL's protocol: its length's high byte.</summary>
    private const byte StartupMessageFirstByte = 0;

    public RoundTripCounter(string host, int port)
    {
        (_host, _port) = (host, port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port to connect to instead of the server's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Round trips of all connections since the last <see cref="Reset"/>.</summary>
    public int RoundTrips => Volatile.Read(ref _roundTrips);

    public void Reset() => Interlocked.Exchange(ref _roundTrips, 0);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var server = new TcpClient();
            await server.ConnectAsync(_host, _port);
            var clientSending = new StrongBox<bool>(false);
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client, server, clientSending, fromClient: true));
                _pumps.Add(PumpAsync(server, client, clientSending, fromClient: false));
            }
        }
    }

    /// <summary>Copies one direction; <paramref name="clientSending"/> is which side of this connection sent last.</summary>
    private async Task PumpAsync(TcpClient from, TcpClient to, StrongBox<bool> clientSending, bool fromClient)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            while (await input.ReadAsync(buffer, _stop.Token) is var read && read > 0)
            {
                lock (clientSending)
                {
                    if (fromClient && !clientSending.Value && buffer[0] != StartupMessageFirstByte) Interlocked.Increment(ref _roundTrips);
                    clientSending.Value = fromClient;
                }
                await output.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps) pumps = [.. _pumps];
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }

    private sealed class StrongBox<T>(T value)
    {
        public T Value = value;
    }
}
