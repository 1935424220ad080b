using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RunHub.ApiDocs;

/// <summary>
/// The document's own parts: title, version and introduction, one tag per <see cref="ApiFamily"/>, the <c>bearer</c>
/// security scheme, and on each path of the API's families (whose other methods <see cref="Api.FamilyAnswers"/>, or a
/// <see cref="RouteDocs.MethodRefusal"/> route, refuse), a sentence saying so.
/// </summary>
internal sealed class DocumentDocs(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    private const string Introduction =
        "RunHub speaks RunningHub's APIs: point a RunningHub client at RunHub and only the base URL changes. " +
        "Operations tagged with a RunningHub family follow RunningHub's contract; those marked **RunHub extension** " +
        "(and `x-runhub-extension: true`) are RunHub's own. Every API call answers HTTP 200 and carries failures in " +
        "its body: the Standard Model API as `errorCode`/`errorMessage` (empty strings on success), the envelope " +
        "routes as `code` (0 on success) and `msg`. Each operation lists the codes it answers with " +
        "(`x-runhub-error-codes`). A path under the API's prefixes that no operation serves answers `1001`, and a method a " +
        "path does not take `1009`, in that family's shape. Guides: docs/api.md in the RunHub repository.";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "RunHub API",
            Version = typeof(DocumentDocs).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0",
            Description = Introduction,
            License = new OpenApiLicense { Name = "RunningHub's API shapes: see RunningHub's documentation" },
        };
        document.Tags = new HashSet<OpenApiTag>(ApiFamily.All.Select(f => new OpenApiTag { Name = f.Tag, Description = f.Description }));
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[OperationDocs.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The account's 32-character API key: `Authorization: Bearer <key>`.",
        };
        AddPlainOperations(document);
        NoteMethodRefusals(document);
        return Task.CompletedTask;
    }

    private void AddPlainOperations(OpenApiDocument document)
    {
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PlainOperationMetadata>() is not { } plain) continue;
            document.Paths ??= [];
            var path = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (!document.Paths.TryGetValue(path, out var item)) document.Paths[path] = item = new OpenApiPathItem();
            var operation = new OpenApiOperation
            {
                OperationId = plain.OperationId,
                Summary = plain.Summary,
                Description = (plain.Family.IsRunHubExtension ? "**RunHub extension** (RunningHub has no such route). " : "") + plain.Description,
                Tags = new HashSet<OpenApiTagReference> { new(plain.Family.Tag, document) },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse
                    {
                        Description = "OK",
                        Content = new Dictionary<string, OpenApiMediaType> { [plain.ContentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
                    },
                },
            };
            if (plain.Family.IsRunHubExtension)
                operation.Extensions = new Dictionary<string, IOpenApiExtension> { ["x-runhub-extension"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(true)) };
            ((OpenApiPathItem)item).AddOperation(HttpMethod.Get, operation);
        }
    }

    private void NoteMethodRefusals(OpenApiDocument document)
    {
        var refused = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodRefusalMetadata>() is not null)
            .Select(e => ApiPaths.Shape(e.RoutePattern.RawText ?? ""))
            .ToHashSet(StringComparer.Ordinal);
        if (document.Paths is null) return;
        foreach (var (path, item) in document.Paths)
        {
            var inFamily = Api.AnswerShapes.Of(path) != Api.AnswerShape.None;
            if (!(inFamily || refused.Contains(ApiPaths.Shape(path))) || item.Operations is null) continue;
            foreach (var operation in item.Operations.Values)
                operation.Description = (operation.Description + "\n\nOther HTTP methods on this path are answered with error `1009` " +
                    "(method not supported), in this operation's answer shape.").Trim();
        }
    }
}
