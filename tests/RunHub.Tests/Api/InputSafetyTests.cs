using System.Net;
using System.Net.Sockets;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>Input URLs that reach into the server's own network fail the task with 1013, refund it, and send nothing.</summary>
public sealed class InputSafetyTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private TcpListener _listener = null!;
    private int _connections;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                }
            }
            catch (ObjectDisposedException) { }
            catch (SocketException) { }
        });
    }

    public async Task DisposeAsync()
    {
        _listener.Stop();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/a.png")]
    [InlineData("http://localhost:{port}/a.png")]
    [InlineData("http://2130706433:{port}/a.png")]
    [InlineData("http://0x7f000001:{port}/a.png")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/a.png")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    public async Task Private_network_inputs_fail_with_1013_send_no_request_and_refund(string template)
    {
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var caller = await _server.NewCallerAsync(balance: 1m);
        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/edit",
            new { prompt = "fetch something private", imageUrls = new[] { template.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) }, aspectRatio = "1:1" });
        Assert.Equal("", (string)submitted["errorCode"]!);
        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1013", (string)done["errorCode"]!);
        Assert.StartsWith("imageUrls[0]:", (string)done["errorMessage"]!);
        Assert.Equal(0, Volatile.Read(ref _connections));
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_data_uri_of_an_unaccepted_format_is_refused_at_submit_with_1007_naming_the_format()
    {
        // An inline input is at hand at the submit, so it is checked there (issue 11 item 2), not fetched and failed later.
        var caller = await _server.NewCallerAsync(balance: 1m);
        var gif = "data:image/gif;base64," + Convert.ToBase64String("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;"u8.ToArray());
        var refused = await caller.SubmitAsync("rhart-image-g-1.5/edit", new { prompt = "a gif is not accepted", imageUrls = new[] { gif }, aspectRatio = "1:1" });
        Assert.Equal("1007", (string)refused["errorCode"]!);
        Assert.Contains("imageUrls[0]: GIF is not an accepted format", (string)refused["errorMessage"]!);
        Assert.Equal("", (string)refused["taskId"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }
}
