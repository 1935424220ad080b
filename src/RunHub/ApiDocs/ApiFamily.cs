namespace RunHub.ApiDocs;

/// <summary>
/// A family of routes in the OpenAPI document: one tag, with what the family is and whether it is RunningHub's
/// contract or a RunHub extension. Every documented operation belongs to exactly one family
/// (<see cref="RouteDocs"/>); an extension inside a RunningHub family is marked one operation at a time.
/// </summary>
/// <param name="Tag">The OpenAPI tag, also the section of the reference page.</param>
/// <param name="Description">What the family is (Markdown).</param>
/// <param name="IsRunHubExtension">True when RunningHub has no such routes at all.</param>
public sealed record ApiFamily(string Tag, string Description, bool IsRunHubExtension)
{
    /// <summary>RunningHub's Standard Model API (OpenAPI v2): submit, query, upload; Bearer key; the flat task object.</summary>
    public static readonly ApiFamily StandardModel = new("Standard Model API",
        "RunningHub's Standard Model API (OpenAPI v2): submit a task to a model's endpoint with a Bearer key, get a " +
        "`taskId`, poll `/openapi/v2/query` until `SUCCESS` or `FAILED`. Every call answers HTTP 200; a failure " +
        "carries `errorCode` and `errorMessage`.", false);

    /// <summary>RunningHub's workflow and AI-app API (v1 <c>{code, msg, data}</c> envelope, and the v2 run routes).</summary>
    public static readonly ApiFamily Workflow = new("Workflows and AI apps",
        "RunningHub's API for ComfyUI workflows and AI apps: the v1 routes (`/task/openapi/*`, the key in the body as " +
        "`apiKey`, answers in a `{code, msg, data}` envelope where `code` 0 is success) and the v2 run routes.", false);

    /// <summary>RunningHub's account routes (<c>/uc/openapi/*</c>).</summary>
    public static readonly ApiFamily Account = new("Account",
        "RunningHub's account routes: the wallet and the running task count, in the `{code, msg, data}` envelope.", false);

    /// <summary>RunHub's own routes for API clients: the model list, result files and the like.</summary>
    public static readonly ApiFamily RunHub = new("RunHub extensions",
        "**RunHub extension.** Routes RunningHub does not have: the served model catalog, result files and the like. " +
        "RunningHub clients never need them.", true);

    /// <summary>Routes for operators and their tools: health, metrics, the front page.</summary>
    public static readonly ApiFamily Operations = new("Operations",
        "**RunHub extension.** For operators, load balancers and monitoring: health, metrics, this document.", true);

    /// <summary>Every family, in the order of the reference page.</summary>
    public static IReadOnlyList<ApiFamily> All { get; } = [StandardModel, Workflow, Account, RunHub, Operations];
}
