using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RunHub.Tests.Media.Support;

/// <summary>A real Kestrel server on a loopback address and a free port, counting the connections and requests it gets.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;
    private int _requests;

    private LoopbackServer(WebApplication app) => _app = app;

    public int Port { get; private set; }
    public string Address { get; private set; } = "";
    public int Connections => Volatile.Read(ref _connections);
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The server's root URL as http://address:port (IPv6 addresses in brackets).</summary>
    public string Url(string path = "/") =>
        $"http://{(Address.Contains(':') ? $"[{Address}]" : Address)}:{Port}{path}";

    public static async Task<LoopbackServer> StartAsync(RequestDelegate handler, string address = "127.0.0.1")
    {
        var ip = IPAddress.Parse(address);
        if (!IPAddress.IsLoopback(ip)) throw new ArgumentException("tests listen on loopback only", nameof(address));

        LoopbackServer? server = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(ip, 0, listen => listen.Use(next => async connection =>
        {
            Interlocked.Increment(ref server!._connections);
            await next(connection);
        })));

        var app = builder.Build();
        server = new LoopbackServer(app);
        ((IApplicationBuilder)app).Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            await handler(context);
        });
        await app.StartAsync();

        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        server.Port = bound.Port;
        server.Address = address;
        return server;
    }

    public static Task<LoopbackServer> ServingAsync(byte[] body, string contentType = "application/octet-stream", string address = "127.0.0.1") =>
        StartAsync(async context =>
        {
            context.Response.ContentType = contentType;
            await context.Response.Body.WriteAsync(body);
        }, address);

    public static Task<LoopbackServer> RedirectingAsync(string location, string address = "127.0.0.1") =>
        StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }, address);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
