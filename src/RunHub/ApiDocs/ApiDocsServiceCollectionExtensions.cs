using Microsoft.OpenApi;

namespace RunHub.ApiDocs;

/// <summary>The OpenAPI document of every route (Microsoft.AspNetCore.OpenApi), described by <see cref="RouteDocs"/>.</summary>
public static class ApiDocsServiceCollectionExtensions
{
    /// <summary>The document's name: it is served at <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    public static IServiceCollection AddApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.CreateSchemaReferenceId = WireSchemas.ReferenceId;
            options.AddSchemaTransformer(WireSchemas.NumbersOnly);
            options.AddDocumentTransformer<DocumentDocs>();
            options.AddOperationTransformer<OperationDocs>();
        });
}
