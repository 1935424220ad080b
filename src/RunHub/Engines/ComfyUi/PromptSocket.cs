using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace RunHub.Engines.ComfyUi;

/// <summary>One JSON message of ComfyUI's <c>/ws</c>: <c>{"type": ..., "data": {...}}</c>.</summary>
internal sealed record SocketFrame(string Type, JsonElement Data)
{
    public string? PromptId => HistoryEntry.Text(Data, "prompt_id");
}

/// <summary>
/// ComfyUI's <c>/ws?clientId=</c> for one prompt, read in the background into a queue of frames. Binary frames
/// (previews) are skipped. The socket is a help, never the source of truth: when it closes, errs or sends
/// something unreadable the queue just ends and the watcher keeps polling <c>/history</c>.
/// </summary>
internal sealed class PromptSocket : IAsyncDisposable
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;
    private readonly ClientWebSocket _socket;
    private readonly Channel<SocketFrame> _frames = Channel.CreateUnbounded<SocketFrame>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private PromptSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadLoopAsync);
    }

    public ChannelReader<SocketFrame> Frames => _frames.Reader;

    /// <summary>Connects, or returns null when the socket cannot be had (the prompt is then followed by polling alone).</summary>
    public static async Task<PromptSocket?> TryConnectAsync(Uri server, string clientId, string? bearer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(new Uri(server, "ws")) { Scheme = server.Scheme == "https" ? "wss" : "ws", Query = "clientId=" + Uri.EscapeDataString(clientId) };
        var socket = new ClientWebSocket();
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(builder.Uri, limit.Token);
            return new PromptSocket(socket);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return null;
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxMessageBytes) break;
                if (!result.EndOfMessage) continue;
                if (result.MessageType == WebSocketMessageType.Text && Parse(message.ToArray()) is { } frame)
                    _frames.Writer.TryWrite(frame);
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // A dropped socket ends the frames; polling carries on.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    private static SocketFrame? Parse(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                return null;
            var data = root.TryGetProperty("data", out var d) ? d.Clone() : default;
            return new SocketFrame(type.GetString()!, data);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var bye = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, bye.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Closing politely is a courtesy; the socket is dropped either way.
        }
        await _reading;
        _socket.Dispose();
        _stop.Dispose();
    }
}
