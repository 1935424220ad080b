using Microsoft.AspNetCore.Http;
using RunHub.Tests.Media.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary>
/// A hostile RunningHub-shaped server for the CLI's path checks: it takes any submit or workflow run, answers it SUCCESS
/// at once under the task id it is given, lists no models (404), and serves an 8×8 PNG for every <c>/files/</c> URL.
/// </summary>
internal static class HostileTaskServer
{
    public static Task<LoopbackServer> StartAsync(string taskId) => LoopbackServer.StartAsync(async context =>
    {
        if (context.Request.Path.StartsWithSegments("/files"))
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(TestImages.Png(8, 8));
            return;
        }
        if (context.Request.Path.Value!.EndsWith("/models", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsJsonAsync(new
        {
            taskId, status = "SUCCESS", errorCode = "", errorMessage = "",
            results = new[] { new { url = "/files/r/0.png", outputType = "png", text = (string?)null, nodeId = "9" } },
        });
    });
}
