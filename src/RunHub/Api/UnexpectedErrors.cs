using RunHub.Wire;
using RunHub.Client;
using Microsoft.AspNetCore.Diagnostics;

namespace RunHub.Api;

/// <summary>
/// An unexpected exception in an API call still answers in the API's own shape (HTTP 200, code 1005), with no
/// internals in the message; the details go to the log.
/// </summary>
public static class UnexpectedErrors
{
    public static void Use(WebApplication app) => app.UseExceptionHandler(errorApp => errorApp.Run(async context =>
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var path = context.Request.Path;
        if (error is BadHttpRequestException bad && bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteAsync(context, RunHubErrorCodes.FileTooLarge, "the request body is larger than this server accepts");
            return;
        }
        if (path.StartsWithSegments("/openapi") || path.StartsWithSegments("/uc"))
            await WriteAsync(context, RunHubErrorCodes.InternalError, "internal error; the server log has the details");
        else
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
    }));

    private static Task WriteAsync(HttpContext context, string code, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        return context.Request.Path.StartsWithSegments("/openapi/v2/media")
            ? context.Response.WriteAsJsonAsync(UploadEndpoint.Error(code, message), WireJson.Options)
            : context.Response.WriteAsJsonAsync(TaskObject.Error(code, message), WireJson.Options);
    }
}
