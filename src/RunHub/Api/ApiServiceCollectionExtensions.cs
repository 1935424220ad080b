using Microsoft.AspNetCore.Http.Features;
using RunHub.Wire;

namespace RunHub.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The HTTP layer's settings: the largest body Kestrel reads for a request no endpoint raised the limit of
    /// (<c>RunHub:Api:MaxJsonBodyKb</c>; uploads and submits raise it for themselves, see <see cref="BodyLimits"/>),
    /// the multipart limit of uploads, CORS, the wire's JSON shape, and the endpoints' own services.
    /// </summary>
    public static WebApplicationBuilder AddApi(this WebApplicationBuilder builder, RunHubOptions options)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.Api.MaxJsonBodyKb * 1024L);
        builder.Services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = options.Media.MaxUploadMb * 1024L * 1024 + 64 * 1024;
            // Form fields other than files are held in memory: an upload has one file and a few short fields at most.
            f.ValueLengthLimit = 64 * 1024;
            f.ValueCountLimit = 64;
            f.KeyLengthLimit = 1024;
        });
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = WireJson.Options.PropertyNamingPolicy);
        builder.Services.AddApiCors(options.Api);
        builder.Services.AddSingleton<RequestKeys>();
        builder.Services.AddSingleton<BodyLimits>();
        builder.Services.AddSingleton<ModelRequests>();
        builder.Services.AddSingleton<RouteMethods>();
        builder.Services.AddSingleton<ModelsEndpoint>();
        builder.Services.AddSingleton<TaskSubmitter>();
        return builder;
    }
}
