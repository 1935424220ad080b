using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RunHub.ApiDocs;

/// <summary>How the wire's types appear among the document's schemas.</summary>
internal static class WireSchemas
{
    /// <summary>
    /// A nested type is named with its outer type, less "Endpoint": <c>UploadEndpoint.Envelope</c> is
    /// <c>UploadEnvelope</c>, so two endpoints' envelopes never share one schema.
    /// </summary>
    public static string? ReferenceId(JsonTypeInfo type) =>
        type.Type.DeclaringType is { } outer && OpenApiOptions.CreateDefaultSchemaReferenceId(type) is { } id
            ? outer.Name.Replace("Endpoint", "", StringComparison.Ordinal) + id
            : OpenApiOptions.CreateDefaultSchemaReferenceId(type);

    /// <summary>
    /// Numbers are numbers on the wire: the generator also allows numeric strings (ASP.NET Core's JSON reads them), but
    /// RunHub writes numbers and RunningHub's clients send them.
    /// </summary>
    public static Task NumbersOnly(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        return Task.CompletedTask;
    }
}
