using Scalar.AspNetCore;

namespace RunHub.ApiDocs;

/// <summary>
/// <c>GET /openapi/v1.json</c> (the OpenAPI 3.1 document) and <c>GET /docs</c> (Scalar's reference page, its script
/// served from the Scalar.AspNetCore package: no CDN, no web fonts, no telemetry).
/// </summary>
public static class ApiDocsRoutes
{
    public const string DocumentPath = "/openapi/" + ApiDocsServiceCollectionExtensions.DocumentName + ".json";
    public const string ReferencePath = "/docs";

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").NotAnOperation("the OpenAPI document itself");
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("RunHub API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .AddDocument(ApiDocsServiceCollectionExtensions.DocumentName))
            .NotAnOperation("the API reference page and its script");
        app.MapGet("/", FrontPage.Handle)
            .OperationsApi("frontPage", "Front page", "A small HTML page linking to the API reference (`/docs`), the OpenAPI " +
                "document, the web console (when this server has one) and `/healthz`.")
            .Produces<string>(StatusCodes.Status200OK, "text/html");
        return app;
    }
}
