using System.Text.Json;
using System.Text.Json.Nodes;
using RunHub.Wire;

namespace RunHub.ApiDocs;

/// <summary>
/// How a route describes itself in the OpenAPI document (<c>/openapi/v1.json</c>, docs/api-docs.md): one helper
/// per route family sets the tag, the operation id, summary, description and how the key is sent; then
/// <see cref="JsonBody{T}"/>, <see cref="Answers{T}"/> and <see cref="Refuses"/> give the shapes, examples and error
/// codes. Every mapped route must be described (a test checks it), e.g.
/// <code>
/// v2.MapPost("/query", QueryEndpoint.Handle)
///     .StandardModelApi("queryTask", "Query a task", "The task object of one of the key's own tasks.")
///     .JsonBody(new TaskIdBody("2013508786110730241"))
///     .Answers(ApiExamples.SucceededTask)
///     .Refuses(RunHubErrorCodes.TaskNotFound, "no such task, or another account's");
/// </code>
/// </summary>
public static class RouteDocs
{
    /// <summary>A route of RunningHub's Standard Model API (OpenAPI v2): Bearer key, answers the flat task object.</summary>
    public static RouteHandlerBuilder StandardModelApi(this RouteHandlerBuilder route, string operationId, string summary, string description) =>
        route.InFamily(ApiFamily.StandardModel, operationId, summary, description).WithMetadata(new KeyMetadata(KeyPlacement.BearerHeader));

    /// <summary>
    /// A route of RunningHub's workflow and AI-app API: the v1 routes take the key in the body (<paramref name="keyField"/>,
    /// <c>apiKey</c>) and answer <c>{code, msg, data}</c>; pass null for the v2 run routes, which take a Bearer key.
    /// </summary>
    public static RouteHandlerBuilder WorkflowApi(this RouteHandlerBuilder route, string operationId, string summary, string description,
        string? keyField = "apiKey") =>
        route.InFamily(ApiFamily.Workflow, operationId, summary, description)
            .WithMetadata(keyField is null ? new KeyMetadata(KeyPlacement.BearerHeader) : new KeyMetadata(KeyPlacement.Body, keyField));

    /// <summary>A route of RunningHub's account API: the key in the body (<paramref name="keyField"/>) or as a Bearer header.</summary>
    public static RouteHandlerBuilder AccountApi(this RouteHandlerBuilder route, string operationId, string summary, string description,
        string keyField = "apikey") =>
        route.InFamily(ApiFamily.Account, operationId, summary, description).WithMetadata(new KeyMetadata(KeyPlacement.BearerHeaderOrBody, keyField));

    /// <summary>A RunHub extension for API clients; <paramref name="needsKey"/> when it takes a Bearer key.</summary>
    public static RouteHandlerBuilder RunHubApi(this RouteHandlerBuilder route, string operationId, string summary, string description,
        bool needsKey = false)
    {
        route.InFamily(ApiFamily.RunHub, operationId, summary, description);
        return needsKey ? route.WithMetadata(new KeyMetadata(KeyPlacement.BearerHeader)) : route;
    }

    /// <summary>A route for operators and monitoring (health, metrics, the front page). No key.</summary>
    public static RouteHandlerBuilder OperationsApi(this RouteHandlerBuilder route, string operationId, string summary, string description) =>
        route.InFamily(ApiFamily.Operations, operationId, summary, description);

    /// <summary>Marks one operation of a RunningHub family as a RunHub extension (RunningHub has no such route).</summary>
    public static RouteHandlerBuilder RunHubExtension(this RouteHandlerBuilder route) => route.WithMetadata(new RunHubExtensionMetadata());

    /// <summary>The JSON request body's schema (from <typeparamref name="T"/>) and its example, named "example".</summary>
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder route, T example, string summary = "A request") where T : notnull =>
        route.Body<T>("application/json").WithMetadata(new ExampleMetadata(true, "example", summary, ToNode(example)));

    /// <summary>
    /// The request body's schema (from <typeparamref name="T"/>) and content type, in the document only: unlike
    /// ASP.NET Core's <c>Accepts</c>, requests of another content type still reach the handler, which answers in the
    /// API's own shape.
    /// </summary>
    public static RouteHandlerBuilder Body<T>(this RouteHandlerBuilder route, string contentType) =>
        route.WithMetadata(new RequestBodyMetadata(typeof(T), contentType));

    /// <summary>
    /// The HTTP 200 answer's JSON schema (from <typeparamref name="T"/>) with a named example; call again with the same
    /// type for more examples (an error answer, say).
    /// </summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder route, T example, string name = "success", string summary = "Success")
        where T : notnull =>
        route.Produces<T>(StatusCodes.Status200OK, "application/json").WithMetadata(new ExampleMetadata(false, name, summary, ToNode(example)));

    /// <summary>
    /// The route honours an optional <c>Idempotency-Key</c> request header (a RunHub extension) and marks a replayed
    /// answer with <c>Idempotent-Replayed: true</c>: both are declared in the operation, so generated clients know them.
    /// </summary>
    public static RouteHandlerBuilder TakesIdempotencyKey(this RouteHandlerBuilder route) => route.WithMetadata(new IdempotencyKeyMetadata());

    /// <summary>An error code the route answers with (in the body, HTTP 200) and when; listed in the operation's description.</summary>
    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder route, string code, string when) =>
        route.WithMetadata(new RefusalMetadata(code, when));

    /// <summary>
    /// A route that only answers "method not supported" (1009) on a path whose real operation is documented: left out
    /// of the document, which says so in that operation's description.
    /// </summary>
    public static RouteHandlerBuilder MethodRefusal(this RouteHandlerBuilder route) =>
        route.WithMetadata(new MethodRefusalMetadata()).ExcludeFromDescription();

    /// <summary>
    /// A route that is not an API operation (the document itself, the reference page's files, a catch-all fallback):
    /// left out of the document, with the reason the route-coverage test prints.
    /// </summary>
    public static TBuilder NotAnOperation<TBuilder>(this TBuilder route, string why) where TBuilder : IEndpointConventionBuilder =>
        route.WithMetadata(new NotAnOperationMetadata(why)).ExcludeFromDescription();

    /// <summary>
    /// Describes an endpoint that is not a route handler (mapped with <c>Map(pattern, pipeline)</c>, such as the
    /// Prometheus exporter's): a GET operation answering <paramref name="contentType"/>, written by the document itself.
    /// </summary>
    public static TBuilder PlainOperation<TBuilder>(this TBuilder route, ApiFamily family, string operationId, string summary,
        string description, string contentType) where TBuilder : IEndpointConventionBuilder =>
        route.WithMetadata(new PlainOperationMetadata(family, operationId, summary, description, contentType));

    private static RouteHandlerBuilder InFamily(this RouteHandlerBuilder route, ApiFamily family, string operationId, string summary, string description) =>
        route.WithTags(family.Tag).WithName(operationId).WithSummary(summary).WithDescription(description).WithMetadata(new FamilyMetadata(family));

    private static JsonNode ToNode<T>(T example) where T : notnull =>
        example as JsonNode ?? JsonSerializer.SerializeToNode(example, WireJson.Options)!;
}
