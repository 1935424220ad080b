using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RunHub.ApiDocs;

/// <summary>
/// The document's own parts: title, version and introduction, one tag per <see cref="ApiFamily"/>, the <c>bearer</c>
/// security scheme, and on each path whose other methods a <see cref="RouteDocs.MethodRefusal"/> route refuses, a
/// sentence saying so.
/// </summary>
internal sealed class DocumentDocs(EndpointDataSource endpoints) : IOpenApiDocumentTransformer
{
    private const string Introduction =
        "RunHub speaks RunningHub's APIs: point a RunningHub client at RunHub and only the base URL changes. " +
        "Operations tagged with a RunningHub family follow RunningHub's contract; those marked **RunHub extension** " +
        "(and `x-runhub-extension: true`) are RunHub's own. Every API call answers HTTP 200 and carries failures in " +
        "its body: the Standard Model API as `errorCode`/`errorMessage` (empty strings on success), the envelope " +
        "routes as `code` (0 on success) and `msg`. Each operation lists the codes it answers with " +
        "(`x-runhub-error-codes`). Guides: docs/api.md in the RunHub repository.";

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
        NoteMethodRefusals(document);
        return Task.CompletedTask;
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
            if (!refused.Contains(ApiPaths.Shape(path)) || item.Operations is null) continue;
            foreach (var operation in item.Operations.Values)
                operation.Description = (operation.Description + "\n\nOther HTTP methods on this path are answered with error `1009` " +
                    "(method not supported), in this operation's answer shape.").Trim();
        }
    }
}
