namespace RunHub.Api;

/// <summary>
/// Cross-origin calls from browser apps (a RunHub extension; RunningHub's API sends no CORS headers): the origins in
/// <c>RunHub:Api:CorsOrigins</c>, or any with <c>*</c>, may call the API and read result files. Any origin is safe to
/// allow because the API authenticates with Bearer keys, never cookies, so credentials are never allowed. Preflights
/// are answered (204) whatever the origin; only an allowed one gets the <c>Access-Control-Allow-*</c> headers.
/// </summary>
public static class ApiCors
{
    public const string PolicyName = "RunHub API";

    public static void AddApiCors(this IServiceCollection services, ApiOptions options) => services.AddCors(cors => cors.AddPolicy(PolicyName, policy =>
    {
        var origins = options.CorsOrigins.Select(o => o.Trim()).Where(o => o.Length > 0).ToList();
        if (origins.Contains("*")) policy.AllowAnyOrigin();
        else policy.WithOrigins([.. origins]);
        policy.AllowAnyHeader()
            .WithMethods("GET", "POST", "HEAD")
            .WithExposedHeaders("Idempotent-Replayed", "Content-Disposition")
            .SetPreflightMaxAge(TimeSpan.FromHours(1));
    }));

    /// <summary>
    /// CORS on the API's paths and <c>/files/</c> for requests that carry an <c>Origin</c> (every cross-origin call and
    /// preflight does; the CORS middleware does nothing else for one without, but marks it in <c>HttpContext.Items</c>,
    /// which cost every plain API call a dictionary); other paths (the console) are left alone.
    /// </summary>
    public static void Use(IApplicationBuilder app) => app.UseWhen(
        context => context.Request.Headers.ContainsKey("Origin")
            && (AnswerShapes.Of(context.Request.Path) != AnswerShape.None || context.Request.Path.StartsWithSegments("/files")),
        branch => branch.UseCors(PolicyName));
}
