using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RunHub.ApiDocs;

/// <summary>
/// Writes what <see cref="RouteDocs"/> attached to a route into its OpenAPI operation: the RunHub-extension mark
/// (<c>x-runhub-extension: true</c> and a bold lead in the description), the key's placement (the <c>bearer</c>
/// security scheme, or a sentence for keys sent in the body), the error codes (a table in the description and
/// <c>x-runhub-error-codes</c>), the <c>Idempotency-Key</c> header of a route that honours it, and the named examples of
/// the request and of the HTTP 200 answer.
/// </summary>
internal sealed class OperationDocs : IOpenApiOperationTransformer
{
    public const string BearerScheme = "bearer";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // A route of several methods (GET and HEAD) is one operation per method, each needing its own id.
        var methods = metadata.OfType<IHttpMethodMetadata>().FirstOrDefault()?.HttpMethods ?? [];
        if (operation.OperationId is { } id && methods.Count > 1 && context.Description.HttpMethod is { } method &&
            !string.Equals(method, methods[0], StringComparison.OrdinalIgnoreCase))
            operation.OperationId = id + char.ToUpperInvariant(method[0]) + method[1..].ToLowerInvariant();
        var family = metadata.OfType<FamilyMetadata>().FirstOrDefault()?.Family;
        var extension = family?.IsRunHubExtension == true || metadata.OfType<RunHubExtensionMetadata>().Any();
        var text = new StringBuilder();
        if (extension)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-runhub-extension"] = new JsonNodeExtension(JsonValue.Create(true));
            text.Append("**RunHub extension** (RunningHub has no such route). ");
        }
        text.Append(operation.Description);

        if (metadata.OfType<KeyMetadata>().FirstOrDefault() is { } key)
        {
            if (key.Placement != KeyPlacement.Body)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
            }
            text.Append(key.Placement switch
            {
                KeyPlacement.Body => $"\n\nThe API key goes in the JSON body as `{key.BodyField}`.",
                KeyPlacement.BearerHeaderOrBody => $"\n\nThe API key goes in the JSON body as `{key.BodyField}`, or in `Authorization: Bearer <key>`.",
                _ => "",
            });
        }

        var refusals = metadata.OfType<RefusalMetadata>().ToList();
        if (refusals.Count > 0)
        {
            text.Append("\n\nErrors are answered with HTTP 200 and the code in the body:\n\n| code | when |\n|---|---|\n");
            foreach (var refusal in refusals) text.Append($"| `{refusal.Code}` | {refusal.When} |\n");
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-runhub-error-codes"] = new JsonNodeExtension(new JsonArray(
                refusals.Select(r => (JsonNode)new JsonObject { ["code"] = r.Code, ["when"] = r.When }).ToArray()));
        }
        operation.Description = text.ToString().Trim();

        if (metadata.OfType<RequestBodyMetadata>().FirstOrDefault() is { } body)
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [body.ContentType] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, cancellationToken: cancellationToken) },
                },
            };

        if (metadata.OfType<IdempotencyKeyMetadata>().Any()) DeclareIdempotencyKey(operation);

        foreach (var example in metadata.OfType<ExampleMetadata>())
        {
            var content = example.IsRequest
                ? operation.RequestBody?.Content
                : operation.Responses?.TryGetValue("200", out var ok) == true ? ok.Content : null;
            if (content is null || !content.TryGetValue("application/json", out var media) || media is not OpenApiMediaType json) continue;
            json.Examples ??= new Dictionary<string, IOpenApiExample>();
            json.Examples[example.Name] = new OpenApiExample { Summary = example.Summary, Value = example.Value.DeepClone() };
        }
    }

    /// <summary>The optional <c>Idempotency-Key</c> request header and the <c>Idempotent-Replayed</c> answer header (docs/api.md).</summary>
    private static void DeclareIdempotencyKey(OpenApiOperation operation)
    {
        var extension = new Dictionary<string, IOpenApiExtension> { ["x-runhub-extension"] = new JsonNodeExtension(JsonValue.Create(true)) };
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = Tasks.IdempotencyKey.Header,
            In = ParameterLocation.Header,
            Required = false,
            Description = "RunHub extension: the same key and request within 24 hours return the task the first created, " +
                "with `Idempotent-Replayed: true`; the same key with another request is refused. Sent once.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255, Pattern = "^[!-~]+$" },
            Extensions = extension,
        });
        if (operation.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse answer) return;
        answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
        answer.Headers[Tasks.IdempotencyKey.ReplayedHeader] = new OpenApiHeader
        {
            Description = "RunHub extension: `true` when the answer is the task an earlier request with the same `Idempotency-Key` created.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
            Extensions = new Dictionary<string, IOpenApiExtension>(extension),
        };
    }
}
