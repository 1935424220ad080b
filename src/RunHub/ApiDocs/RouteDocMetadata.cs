using System.Text.Json.Nodes;

namespace RunHub.ApiDocs;

/// <summary>Endpoint metadata the helpers of <see cref="RouteDocs"/> attach and <see cref="OperationDocs"/> writes into the document.</summary>
internal sealed record FamilyMetadata(ApiFamily Family);

/// <summary>One operation of a RunningHub family that RunningHub itself does not have.</summary>
internal sealed record RunHubExtensionMetadata;

/// <summary>How the caller's key travels.</summary>
internal enum KeyPlacement { BearerHeader, BearerHeaderOrBody, Body }

internal sealed record KeyMetadata(KeyPlacement Placement, string? BodyField = null);

/// <summary>The route honours the <c>Idempotency-Key</c> header (a RunHub extension on RunningHub's routes).</summary>
internal sealed record IdempotencyKeyMetadata;

/// <summary>An error code this route answers with, and when.</summary>
internal sealed record RefusalMetadata(string Code, string When);

/// <summary>
/// The request body's type and content type, for the document only: ASP.NET Core's <c>Accepts</c> would also refuse
/// other content types with 415, where the API answers in its own shape (and reads JSON sent as text/plain).
/// </summary>
internal sealed record RequestBodyMetadata(Type Type, string ContentType);

/// <summary>A named example of the request body (<see cref="IsRequest"/>) or of the HTTP 200 answer.</summary>
internal sealed record ExampleMetadata(bool IsRequest, string Name, string Summary, JsonNode Value);

/// <summary>
/// A route that only refuses other HTTP methods on a path documented by its real operation: it is left out of the
/// document, and the route-coverage test checks that its path is in it.
/// </summary>
public sealed record MethodRefusalMetadata;

/// <summary>
/// An endpoint that is not a route handler (a middleware pipeline such as the Prometheus exporter's), which the
/// generator cannot see: <see cref="DocumentDocs"/> writes its GET operation from this.
/// </summary>
internal sealed record PlainOperationMetadata(ApiFamily Family, string OperationId, string Summary, string Description, string ContentType);

/// <summary>A route that is not an API operation (the document itself, the reference page's files, a fallback), and why.</summary>
public sealed record NotAnOperationMetadata(string Why);
