using Microsoft.AspNetCore.Routing.Patterns;

namespace RunHub.Api;

/// <summary>The HTTP surface: RunningHub's OpenAPI v2 routes, the files behind result URLs, and the health check.</summary>
public static class ApiRoutes
{
    /// <summary>Only <c>GET /healthz</c> (a node that runs tasks and serves no API).</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }

    /// <summary>
    /// The whole API. Before routing: the handler that turns an unexpected exception into the API's own error shape,
    /// and one spelling of every path; after it: CORS, and the family answers for paths and methods no route takes
    /// (every other feature's routes under the API's prefixes win over those).
    /// </summary>
    public static WebApplication MapApi(this WebApplication app)
    {
        UnexpectedErrors.Use(app);
        PathNormalization.Use(app);
        app.UseRouting();
        ApiCors.Use(app);
        FamilyAnswers.Use(app);

        app.MapHealth();
        app.MapMethods("/files/{**key}", ["GET", "HEAD"], FilesEndpoint.Handle);

        var v2 = app.MapGroup("/openapi/v2");
        v2.MapPost("/query", QueryEndpoint.Handle);
        v2.MapPost("/cancel", CancelEndpoint.Handle);
        v2.MapGet("/models", (ModelsEndpoint models) => models.Handle());
        v2.MapPost("/media/upload/binary", UploadEndpoint.Handle).DisableAntiforgery();
        v2.Map(RoutePatternFactory.Parse("/{**endpoint}", null, new { endpoint = new ModelPathConstraint() }), SubmitEndpoint.Handle)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]));

        app.MapPost("/uc/openapi/accountStatus", AccountStatusEndpoint.Handle);
        return app;
    }
}
