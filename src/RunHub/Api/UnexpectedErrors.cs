using RunHub.Client;
using Microsoft.AspNetCore.Diagnostics;

namespace RunHub.Api;

/// <summary>
/// An exception that escapes an API call still answers in its family's shape (HTTP 200): a body the framework refused
/// to read is the client's error (1008 too large, 1007 otherwise); anything else is 1005 with no internals in the
/// message, the details in the log. Outside the API's paths the answer is a plain 500.
/// </summary>
public static class UnexpectedErrors
{
    public static void Use(WebApplication app) => app.UseExceptionHandler(errorApp => errorApp.Run(async context =>
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var family = AnswerShapes.Of(context.Request.Path);
        if (family == AnswerShape.None)
        {
            context.Response.StatusCode = error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
            return;
        }
        var (code, message) = error switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (RunHubErrorCodes.FileTooLarge, "the request body is larger than this server accepts"),
            BadHttpRequestException bad => (RunHubErrorCodes.InvalidParameters, $"body: could not be read ({bad.Message})"),
            _ => (RunHubErrorCodes.InternalError, "internal error; the server log has the details"),
        };
        await AnswerShapes.WriteErrorAsync(context, code, message);
    }));
}
