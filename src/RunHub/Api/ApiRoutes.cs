using RunHub.Client;
namespace RunHub.Api;

/// <summary>The HTTP surface: RunningHub's OpenAPI v2 routes, the files behind result URLs, and the health check.</summary>
public static class ApiRoutes
{
    private static readonly string[] OtherMethods = ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    /// <summary>Only <c>GET /healthz</c> (a node that runs tasks and serves no API).</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }

    /// <summary>The whole API, behind the handler that turns an unexpected exception into the API's own error shape.</summary>
    public static WebApplication MapApi(this WebApplication app)
    {
        UnexpectedErrors.Use(app);
        app.MapHealth();
        app.MapMethods("/files/{**key}", ["GET", "HEAD"], FilesEndpoint.Handle);

        var v2 = app.MapGroup("/openapi/v2");
        v2.MapPost("/query", QueryEndpoint.Handle);
        v2.MapPost("/cancel", CancelEndpoint.Handle);
        v2.MapGet("/models", (ModelsEndpoint models) => models.Handle());
        v2.MapGet("/tasks", TaskListEndpoint.Handle);
        v2.MapPost("/media/upload/binary", UploadEndpoint.Handle).DisableAntiforgery();
        v2.MapPost("/{**endpoint}", SubmitEndpoint.Handle);
        // RunningHub answers a wrong method with HTTP 200 and code 1009, like every other error of the API.
        v2.MapMethods("/{**path}", OtherMethods, (HttpRequest request) =>
            TaskObject.Error(RunHubErrorCodes.MethodNotSupported, $"{request.Method} is not supported here; use POST"));

        app.MapPost("/uc/openapi/accountStatus", AccountStatusEndpoint.Handle);
        app.MapMethods("/uc/openapi/accountStatus", OtherMethods, (HttpRequest request) =>
            AccountStatusEndpoint.Envelope.Error(RunHubErrorCodes.MethodNotSupported, $"{request.Method} is not supported here; use POST"));
        return app;
    }
}
