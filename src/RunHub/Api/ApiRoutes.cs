namespace RunHub.Api;

/// <summary>The HTTP surface: RunningHub's OpenAPI v2 routes, the files behind result URLs, and the health check.</summary>
public static class ApiRoutes
{
    private static readonly string[] OtherMethods = ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    public static void MapHealth(WebApplication app) => app.MapGet("/healthz", () => Results.Text("ok"));

    public static void Map(WebApplication app)
    {
        MapHealth(app);
        app.MapMethods("/files/{**key}", ["GET", "HEAD"], FilesEndpoint.Handle);

        var v2 = app.MapGroup("/openapi/v2");
        v2.MapPost("/query", QueryEndpoint.Handle);
        v2.MapPost("/cancel", CancelEndpoint.Handle);
        v2.MapGet("/models", (ModelsEndpoint models) => models.Handle());
        v2.MapPost("/media/upload/binary", UploadEndpoint.Handle).DisableAntiforgery();
        v2.MapPost("/{**endpoint}", SubmitEndpoint.Handle);
        // RunningHub answers a wrong method with HTTP 200 and code 1009, like every other error of the API.
        v2.MapMethods("/{**path}", OtherMethods, (HttpRequest request) =>
            TaskObject.Error(ErrorCodes.MethodNotAllowed, $"{request.Method} is not supported here; use POST"));

        app.MapPost("/uc/openapi/accountStatus", AccountStatusEndpoint.Handle);
        app.MapMethods("/uc/openapi/accountStatus", OtherMethods, (HttpRequest request) =>
            AccountStatusEndpoint.Envelope.Error(ErrorCodes.MethodNotAllowed, $"{request.Method} is not supported here; use POST"));
    }
}
